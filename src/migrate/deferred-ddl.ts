import { CompiledQuery, type DatabaseConnection, type QueryResult } from 'kysely';
import { completedStatements } from '../sql/script-progress.js';

/**
 * A TS migration awaits each statement it runs: `createTable(…).execute()` then
 * `createIndex(…).execute()` is two round trips, and the bookkeeping with the COMMIT a third, where
 * the same DDL in `.sql` is one message. On a loaded machine each round trip is two process
 * wake-ups, and they were most of what `.ts` migrations cost above the `.sql` floor (issue 28).
 *
 * Inside a migration's transaction, a schema-builder statement (CREATE/ALTER/DROP TABLE, INDEX,
 * VIEW, TYPE, SCHEMA; no parameters) returns no rows and nothing the migration could read, so it
 * is not sent at once: it is kept, its call site captured, and sent at the front of the next
 * message, the next query the migration awaits, or the migration's bookkeeping and COMMIT. The
 * order of the statements is the migration's own.
 *
 * What changes is only when a deferred statement's failure is seen: at the next message instead of
 * its own await. Postgres then aborts the transaction, which is rolled back as before; the failure
 * is given the stack captured when the statement was built, so it still names its own `file:line`
 * (`mapFailure`). A migration that catches a DDL failure under a SAVEPOINT needs it at its own
 * await: from a SAVEPOINT on, nothing more is deferred in that transaction.
 */
const DEFERRABLE = new Set([
  'CreateTableNode', 'AlterTableNode', 'DropTableNode',
  'CreateIndexNode', 'DropIndexNode',
  'CreateViewNode', 'DropViewNode', 'RefreshMaterializedViewNode',
  'CreateTypeNode', 'DropTypeNode',
  'CreateSchemaNode', 'DropSchemaNode',
]);

interface Pending {
  sql: string;
  /** Captured where the migration built the statement: its stack names the migration's line. */
  site: Error;
}

/**
 * The stack here, deep enough to reach the migration: Kysely's executor and connection providers
 * take the first ten frames of the default limit.
 */
function callSite(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.max(limit, 40);
  try {
    return new Error();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Deferred statements taken to be sent at the front of a message. */
export interface Batch {
  /** The statements as text, each ending in `;\n` (empty when none). */
  sql: string;
  /** How many statements `sql` holds. */
  count: number;
  /**
   * The failure of a message that started with this batch, as the failing deferred statement's
   * own (its stack and `position`), or undefined when the failure came after the batch.
   */
  failure(error: unknown): unknown;
}

export class DeferredDdl {
  #pending: Pending[] = [];
  #off = false;

  /** The session as the migration sees it: deferrable statements kept, everything else sent after them. */
  wrap = (conn: DatabaseConnection): DatabaseConnection => {
    const flush = () => this.#flush(conn);
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        if (!this.#off && query.parameters.length === 0 && DEFERRABLE.has(query.query?.kind)) {
          this.#pending.push({ sql: query.sql, site: callSite() });
          return { rows: [] };
        }
        if (/^\s*savepoint\b/i.test(query.sql)) this.#off = true;
        await flush();
        return conn.executeQuery<R>(query);
      },
      async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
        await flush();
        yield* conn.streamQuery<R>(query, chunkSize);
      },
    };
  };

  /** The statements kept so far, to be sent at the front of the caller's own message. */
  take(): Batch {
    const pending = this.#pending;
    this.#pending = [];
    return batchOf(pending);
  }

  async #flush(conn: DatabaseConnection): Promise<void> {
    const batch = this.take();
    if (!batch.count) return;
    try {
      await conn.executeQuery(CompiledQuery.raw(batch.sql));
    } catch (error) {
      throw batch.failure(error) ?? error;
    }
  }
}

function batchOf(pending: Pending[]): Batch {
  let sql = '';
  // Where each statement starts, in characters (Postgres's `position` counts characters).
  const starts: number[] = [];
  let chars = 0;
  for (const p of pending) {
    starts.push(chars);
    const text = `${p.sql};\n`;
    sql += text;
    chars += Array.from(text).length;
  }
  return {
    sql,
    count: pending.length,
    failure(error) {
      if (!pending.length) return undefined;
      const position = Number((error as { position?: unknown })?.position);
      let index: number | undefined;
      if (Number.isFinite(position) && position > 0) {
        if (position > chars) return undefined;
        index = starts.findLastIndex((s) => s < position);
      } else {
        const completed = completedStatements(error);
        if (completed === undefined || completed >= pending.length) return undefined;
        index = completed;
      }
      return asStatementFailure(error, pending[index], Number.isFinite(position) && position > 0 ? position - starts[index] : undefined);
    },
  };
}

/** The error as if the statement had been sent alone at its own await: its call site's stack, its own `position`. */
function asStatementFailure(error: unknown, statement: Pending, position: number | undefined): unknown {
  if (!error || typeof error !== 'object') return error;
  const e = error as Error & { position?: string };
  const frames = String(statement.site.stack ?? '').split('\n').slice(1).join('\n');
  Object.defineProperty(e, 'stack', { value: `${e.name}: ${e.message}\n${frames}`, configurable: true, writable: true });
  if (position !== undefined) e.position = String(position);
  return e;
}

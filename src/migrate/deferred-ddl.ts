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
  /** Captured where the migration built the statement: its stack names the migration's line. None for dbctl's own. */
  site?: Error;
  /** How many statements `sql` holds (dbctl's own bookkeeping may be several). */
  statements: number;
  /** The migration (its index in the run) the statement belongs to, when several share a message (`--single-transaction`). */
  k?: number;
}

/** A failure of a message sent ahead (`DeferredDdl.pump`), as the failing statement's own, with its migration. */
export class DeferredFailure extends Error {
  constructor(readonly error: unknown, readonly k: number | undefined, readonly own: boolean) {
    super(String((error as Error)?.message ?? error));
  }
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
  /** Which of the batch's statements failed: its migration, and its failure as its own; undefined when after the batch. */
  locate(error: unknown): DeferredFailure | undefined;
}

export class DeferredDdl {
  #pending: Pending[] = [];
  #off = false;
  /** The session (set by `wrap`): where `pump` sends. */
  #conn: DatabaseConnection | undefined;
  /** A message sent ahead and not yet awaited (`pump`). */
  #inflight: { promise: Promise<void>; done: boolean; took: number } | undefined;
  /** The first failure of a message sent ahead: once seen, every later wait throws it again. */
  #failed: DeferredFailure | undefined;

  /** The session as the migration sees it: deferrable statements kept, everything else sent after them. */
  wrap = (conn: DatabaseConnection): DatabaseConnection => {
    this.#conn = conn;
    const flush = () => this.#flush(conn);
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        if (!this.#off && query.parameters.length === 0 && DEFERRABLE.has(query.query?.kind)) {
          this.#pending.push({ sql: query.sql, site: callSite(), statements: 1 });
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

  /**
   * `--single-transaction`: migration k's bookkeeping joins what is kept, and k's statements become
   * its own (the statements kept since the last call are k's).
   */
  append(sql: string, k: number, statements: number): void {
    for (const p of this.#pending) p.k ??= k;
    this.#pending.push({ sql, statements, k });
  }

  /**
   * Sends what is kept, without waiting for the server, so the next migration's body runs while the
   * server runs it. With `wait` (a transaction each: one migration's COMMIT per message, so that
   * what a failure leaves applied is known), the message in flight is awaited first; without it
   * (`--single-transaction`), nothing is sent while one is in flight, and what is kept meanwhile
   * goes with the next. Every statement keeps its order: any other query waits for the message in
   * flight, then sends what is kept first. The failure of a message sent ahead is thrown by the
   * next wait (and every one after it, so nothing more is sent), as a DeferredFailure naming its
   * migration. Returns the round trip of the message it waited for, in ms.
   */
  async pump(options: { wait?: boolean } = {}): Promise<number | undefined> {
    if (!options.wait && this.#inflight && !this.#inflight.done) return undefined;
    const took = await this.settle();
    const conn = this.#conn;
    const batch = this.take();
    if (!batch.count) return took;
    if (!conn) throw new Error('deferred statements without a session');
    const inflight = {
      done: false,
      sent: performance.now(),
      took: 0,
      promise: conn.executeQuery(CompiledQuery.raw(batch.sql)).then(
        () => undefined,
        (error) => {
          throw batch.locate(error) ?? new DeferredFailure(error, undefined, true);
        },
      ),
    };
    const settled = () => {
      inflight.done = true;
      inflight.took = performance.now() - inflight.sent;
    };
    inflight.promise.then(settled, settled);
    this.#inflight = inflight;
    return took;
  }

  /** Sends everything kept and waits for it (and for any message in flight). */
  async finish(): Promise<void> {
    await this.settle();
    if (this.#conn) await this.#flush(this.#conn);
  }

  /** The failure of a message sent ahead, once seen: it comes before anything that failed after it. */
  get failed(): DeferredFailure | undefined {
    return this.#failed;
  }

  /** Waits for the message sent ahead, if any: its round trip (ms), or its failure thrown. */
  async settle(): Promise<number | undefined> {
    const inflight = this.#inflight;
    this.#inflight = undefined;
    if (this.#failed) throw this.#failed;
    try {
      await inflight?.promise;
    } catch (error) {
      throw (this.#failed = error as DeferredFailure);
    }
    return inflight?.took;
  }

  async #flush(conn: DatabaseConnection): Promise<void> {
    await this.settle();
    const batch = this.take();
    if (!batch.count) return;
    try {
      await conn.executeQuery(CompiledQuery.raw(batch.sql));
    } catch (error) {
      const located = batch.locate(error);
      // Statements of an earlier migration (`--single-transaction`): its failure, whoever awaited.
      if (located?.k !== undefined) throw (this.#failed = located);
      throw batch.failure(error) ?? error;
    }
  }
}

function batchOf(pending: Pending[]): Batch {
  let sql = '';
  // Where each statement starts, in characters (Postgres's `position` counts characters), and in statements.
  const starts: number[] = [];
  const firsts: number[] = [];
  let chars = 0;
  let statements = 0;
  for (const p of pending) {
    starts.push(chars);
    firsts.push(statements);
    const text = `${p.sql};\n`;
    sql += text;
    chars += Array.from(text).length;
    statements += p.statements;
  }
  const locate = (error: unknown): { index: number; position?: number } | undefined => {
    if (!pending.length) return undefined;
    const position = Number((error as { position?: unknown })?.position);
    if (Number.isFinite(position) && position > 0) {
      if (position > chars) return undefined;
      const index = starts.findLastIndex((s) => s < position);
      return { index, position: position - starts[index] };
    }
    const completed = completedStatements(error);
    if (completed === undefined || completed >= statements) return undefined;
    return { index: firsts.findLastIndex((f) => f <= completed) };
  };
  return {
    sql,
    count: pending.length,
    failure(error) {
      const at = locate(error);
      return at && pending[at.index].site ? asStatementFailure(error, pending[at.index], at.position) : undefined;
    },
    locate(error) {
      const at = locate(error);
      if (!at) return undefined;
      const p = pending[at.index];
      return new DeferredFailure(p.site ? asStatementFailure(error, p, at.position) : error, p.k, !p.site);
    },
  };
}

/** The error as if the statement had been sent alone at its own await: its call site's stack, its own `position`. */
function asStatementFailure(error: unknown, statement: Pending, position: number | undefined): unknown {
  if (!error || typeof error !== 'object' || !statement.site) return error;
  const e = error as Error & { position?: string };
  const frames = String(statement.site.stack ?? '').split('\n').slice(1).join('\n');
  Object.defineProperty(e, 'stack', { value: `${e.name}: ${e.message}\n${frames}`, configurable: true, writable: true });
  if (position !== undefined) e.position = String(position);
  return e;
}

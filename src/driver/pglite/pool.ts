import type { PGlite, Results } from '@electric-sql/pglite';
import { BLOB_COPY, type BlobCopyRequest } from './copy.js';
import { explainMissingExtension } from './extensions.js';

/**
 * A node-postgres-shaped pool over one PGlite instance, so Kysely's own PostgresDialect drives both
 * backends and there is one query path. PGlite is a single session: the pool hands out one client
 * at a time and queues the rest, which is exactly what a transaction on a real pool guarantees.
 *
 * A query without parameters goes through PGlite's simple-protocol `exec`, like `pg` does for
 * parameterless queries, so a multi-statement script runs the same way on both backends.
 */
export class PglitePool {
  #queue: Array<() => void> = [];
  #busy = false;
  #closed = false;

  constructor(readonly pglite: PGlite) {}

  async connect(): Promise<PgliteClient> {
    if (this.#closed) throw new Error('PGlite pool is closed');
    if (this.#busy) await new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#busy = true;
    return new PgliteClient(this.pglite, () => this.#release());
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#busy = false;
  }

  async end(): Promise<void> {
    this.#closed = true;
  }
}

export interface PgLikeResult {
  command: string;
  rowCount: number;
  rows: any[];
  fields: Array<{ name: string; dataTypeID: number }>;
}

export class PgliteClient {
  #released = false;
  constructor(
    private readonly pglite: PGlite,
    private readonly onRelease: () => void,
  ) {}

  async query(text: string | BlobCopyRequest, parameters?: readonly unknown[]): Promise<PgLikeResult> {
    if (typeof text !== 'string') return this.#takeCopy(text);
    try {
      if (parameters && parameters.length > 0) {
        return toPgResult(await this.pglite.query(text, parameters as unknown[]));
      }
      const results = await this.pglite.exec(text);
      return toPgResult(results[results.length - 1]);
    } catch (error) {
      throw explainMissingExtension(error);
    }
  }

  /**
   * A multi-statement script whose rows are not needed, through the protocol so the messages before
   * an error are seen: its failure carries how many statements completed first (script-progress.ts).
   */
  async runScript(text: string): Promise<void> {
    const { protocol } = await (await import('./module.js')).loadPglite();
    const { completedBefore, setCompletedStatements } = await import('../../sql/script-progress.js');
    // As PGlite's own exec does: one query at a time on its one session.
    const { messages } = await this.pglite._runExclusiveQuery(() => this.pglite.execProtocol(protocol.serialize.query(text), { throwOnError: false }));
    const error = messages.find((m) => m.name === 'error');
    if (!error) return;
    setCompletedStatements(error, completedBefore(messages, error));
    throw explainMissingExtension(error);
  }

  /** A COPY FROM STDIN request (driver/copy.ts): its data will come as Blobs, one statement each. */
  #takeCopy(request: BlobCopyRequest): PgLikeResult {
    const copy = request[BLOB_COPY];
    if (!copy) throw new Error('internal: PGlite runs SQL text only');
    copy.write = async (statement, data) => {
      try {
        return (await this.pglite.query(statement, [], { blob: new Blob([data]) })).affectedRows;
      } catch (error) {
        throw explainMissingExtension(error);
      }
    };
    return { command: 'COPY', rowCount: 0, rows: [], fields: [] };
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.onRelease();
  }
}

function toPgResult(result: Results | undefined): PgLikeResult {
  if (!result) return { command: 'EMPTY', rowCount: 0, rows: [], fields: [] };
  const command = (result as { command?: string }).command ?? 'SELECT';
  return {
    command,
    rowCount: result.affectedRows ?? result.rows.length,
    rows: result.rows as any[],
    fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
  };
}

import type { PGlite, Results } from '@electric-sql/pglite';
import { explainMissingExtension } from './pglite-extensions.js';

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

  async query(text: string, parameters?: readonly unknown[]): Promise<PgLikeResult> {
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

import { describeTarget, parseTarget, type Target } from '../driver/url.js';
import { UsageError } from '../errors.js';
import { confirmName } from '../guard/index.js';
import { createEmbedded, dropEmbedded } from './embedded.js';
import { createServerDatabase, dropServerDatabase, withMaintenance } from './server.js';

export type { Session } from './server.js';

export interface LifecycleOptions {
  /** The database to create or drop (postgres://… or pglite://DIR; none = the embedded default). */
  url?: string;
  cwd?: string;
  connectTimeoutMs?: number;
}

export interface CreateReport {
  database: string;
  target: string;
  created: boolean;
}

export interface DropReport {
  database: string;
  target: string;
  dropped: boolean;
  /** Sessions disconnected by `force`. */
  disconnected: number;
}

/** Creates the database: on a server through its maintenance database; embedded, by initialising the directory. */
export async function createDatabase(options: LifecycleOptions): Promise<CreateReport> {
  const target = parseTarget(options.url, options.cwd ?? process.cwd());
  const created =
    target.kind === 'pg'
      ? await withMaintenance(target, options, 'db create', (db) => createServerDatabase(db, target.database))
      : await createEmbedded(dataDirOf(target, 'db create'));
  return { ...names(target), created };
}

/** Drops the database; one with open sessions is refused (exit 5) unless `force`. */
export async function dropDatabase(options: LifecycleOptions & { force?: boolean }): Promise<DropReport> {
  const target = parseTarget(options.url, options.cwd ?? process.cwd());
  const result =
    target.kind === 'pg'
      ? await withMaintenance(target, options, 'db drop', (db) => dropServerDatabase(db, target.database, !!options.force))
      : { dropped: dropEmbedded(dataDirOf(target, 'db drop')), disconnected: 0 };
  return { ...names(target), ...result };
}

function dataDirOf(target: Extract<Target, { kind: 'pglite' }>, operation: string): string {
  if (target.dataDir === null) throw new UsageError(`${operation}: pglite://memory lives only inside one process; there is nothing to ${operation.slice(3)}`);
  return target.dataDir;
}

function names(target: Target): { database: string; target: string } {
  return { database: confirmName(target), target: describeTarget(target) };
}

/**
 * An embedded (PGlite) database served over the Postgres wire protocol, so that code which opens a
 * `postgres://` URL (pg, postgres.js, Prisma, psql) can reach it. The database is opened here and
 * held for as long as the server runs: no other process can open its directory meanwhile.
 */
import { UsageError } from '../errors.js';
import type { Observer } from '../driver/observe.js';
import { openDatabase, type OpenOptions } from '../driver/database.js';
import { serveEmbeddedOverWire, type WireOptions } from '../driver/pglite/wire.js';
import { capabilitiesOf } from '../driver/host.js';
import { describeTarget, parseTarget, type Target } from '../driver/target.js';

export interface ServedDatabase {
  /** The postgres:// URL clients open. */
  url: string;
  port: number;
  /** The embedded database behind it (its pglite:// URL). */
  embeddedUrl: string;
  /** Stops the server, then closes the database. */
  close(): Promise<void>;
}

export interface ServeOptions extends WireOptions, Pick<OpenOptions, 'lockTimeoutMs' | 'statementTimeoutMs'> {
  /** Told of a wait for the process that has the directory open, and of a first run. */
  observe?: Pick<Observer, 'lockWait' | 'firstRun'>;
  /** The embedded database: a pglite:// URL or its parsed Target. */
  target: Target | string;
  cwd?: string;
}

export async function serveEmbedded(options: ServeOptions): Promise<ServedDatabase> {
  const target = typeof options.target === 'string' ? parseTarget(options.target, options.cwd ?? process.cwd()) : options.target;
  if (capabilitiesOf(target).wire) {
    throw new UsageError(`${describeTarget(target)} is already a server: open its URL directly; only an embedded database needs serving`);
  }
  const database = await openDatabase({
    target,
    poolSize: 1,
    lockTimeoutMs: options.lockTimeoutMs,
    onLockWait: options.observe?.lockWait,
    onFirstRun: options.observe?.firstRun,
    statementTimeoutMs: options.statementTimeoutMs,
  });
  let server;
  try {
    server = await serveEmbeddedOverWire(database, options);
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    url: server.url,
    port: server.port,
    embeddedUrl: target.url,
    close: async () => {
      try {
        await server.stop();
      } finally {
        await database.close();
      }
    },
  };
}

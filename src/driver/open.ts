import fs from 'node:fs';
import { Kysely, PostgresDialect, sql, type LogEvent, type PostgresPool } from 'kysely';
import { ConnectionError } from '../errors.js';
import { connectionErrorFor, isTransientConnectError } from './connect-error.js';
import { lockDataDir } from './dir-lock.js';
import { nodePostgresParsers } from './pg-parsers.js';
import { PglitePool } from './pglite-pool.js';
import { parseTarget, type Target } from './url.js';

export interface OpenOptions {
  /** postgres://, postgresql://, pglite://PATH, pglite://memory; none = embedded PGlite at .dbctl/pglite. */
  url?: string;
  cwd?: string;
  /** How long to keep retrying an unreachable server (ms). Default 10 000. */
  connectTimeoutMs?: number;
  /** statement_timeout for every session (ms); 0 = none. */
  statementTimeoutMs?: number;
  /** Pool size for a real server. Default 4 (dbctl needs 2: one for the run lock, one for work). */
  poolSize?: number;
  applicationName?: string;
  /** Called for every query Kysely runs (the CLI's -v). */
  onQuery?: (event: LogEvent) => void;
  /** Load an already initialised PGlite image instead of running initdb (used by test databases). */
  pgliteImage?: Blob;
}

/** What differs between the two backends, as flags the rest of dbctl reads instead of `if (pglite)`. */
export interface Capabilities {
  /** Several sessions at once (a real server). PGlite is one session, so run locks are moot there. */
  concurrentSessions: boolean;
}

export interface Database {
  readonly target: Target;
  readonly db: Kysely<any>;
  readonly capabilities: Capabilities;
  /** The PGlite instance behind an embedded database (dump, clone); undefined on a real server. */
  readonly pglite?: import('@electric-sql/pglite').PGlite;
  /**
   * Undoes whatever a migration SET on this session (search_path, role, timeouts) and re-applies
   * dbctl's own session settings, so nothing leaks into the next migration.
   */
  resetSession(session: Kysely<any>): Promise<void>;
  /** Observe every query run through `db` (dry runs capture SQL this way). Returns an unsubscribe. */
  onQuery(listener: (event: LogEvent) => void): () => void;
  close(): Promise<void>;
}

/** Opens a database from a URL: `pg` for a server, PGlite when embedded. Retries a server that is not up yet. */
export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const target = parseTarget(options.url, options.cwd ?? process.cwd());
  return target.kind === 'pg' ? openPg(target, options) : openPglite(target, options);
}

async function openPg(target: Extract<Target, { kind: 'pg' }>, options: OpenOptions): Promise<Database> {
  const { default: pg } = await import('pg');
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: target.url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: Math.max(1000, Math.min(connectTimeoutMs, 5000)),
    statement_timeout: options.statementTimeoutMs || undefined,
    application_name: options.applicationName ?? 'dbctl',
  });
  // Errors on idle clients (server restart) must not crash the process.
  pool.on('error', () => {});
  // If dbctl is killed mid-migration, the server would keep running the statement (and holding the
  // run lock) until it next writes to the socket. PG 14+ can poll for a vanished client instead.
  let setup = '';
  pool.on('connect', (client) => {
    if (setup) client.query(setup).catch(() => {});
  });
  const started = Date.now();
  let delay = 100;
  for (;;) {
    try {
      const client = await pool.connect();
      try {
        const { rows } = await client.query(`select current_setting('server_version_num')::int as v`);
        if (rows[0].v >= 140000) setup = 'set client_connection_check_interval = 1000';
        if (setup) await client.query(setup);
      } finally {
        client.release();
      }
      break;
    } catch (error) {
      const waited = Date.now() - started;
      if (!isTransientConnectError(error) || waited + delay > connectTimeoutMs) {
        await pool.end().catch(() => {});
        throw connectionErrorFor(error, target, waited);
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 1000);
    }
  }
  const hub = queryHub(options);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: pool as unknown as PostgresPool }), log: hub.log });
  return {
    target,
    db,
    onQuery: hub.add,
    resetSession: (session) => resetSession(session, setup),
    capabilities: { concurrentSessions: true },
    close: () => db.destroy(),
  };
}

async function openPglite(target: Extract<Target, { kind: 'pglite' }>, options: OpenOptions): Promise<Database> {
  const [{ PGlite }, { vector }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
  ]);
  const release = target.dataDir ? lockDataDir(target.dataDir) : () => {};
  let pglite;
  try {
    if (target.dataDir) fs.mkdirSync(target.dataDir, { recursive: true });
    pglite = await PGlite.create({
      dataDir: target.dataDir ?? undefined,
      extensions: { vector },
      loadDataDir: options.pgliteImage,
      parsers: nodePostgresParsers(),
    });
  } catch (error) {
    release();
    throw new ConnectionError(`cannot open embedded database ${target.dataDir ?? '(memory)'}: ${(error as Error).message}`, {
      hint: 'the directory may be from another PGlite version or damaged: move it away and run again',
      cause: error,
    }, 'pglite_open');
  }
  const setup = options.statementTimeoutMs ? `set statement_timeout = ${Math.floor(options.statementTimeoutMs)}` : '';
  if (setup) await pglite.exec(setup);
  const pool = new PglitePool(pglite);
  const hub = queryHub(options);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: pool as unknown as PostgresPool }), log: hub.log });
  return {
    target,
    db,
    pglite,
    onQuery: hub.add,
    resetSession: (session) => resetSession(session, setup),
    capabilities: { concurrentSessions: false },
    close: async () => {
      try {
        await db.destroy();
        await pglite.close();
      } finally {
        release();
      }
    },
  };
}

/** One round trip: the reset and dbctl's session settings as one script. */
async function resetSession(session: Kysely<any>, setup: string): Promise<void> {
  await sql.raw(setup ? `reset all; ${setup}` : 'reset all').execute(session);
}

function queryHub(options: OpenOptions) {
  const listeners = new Set<(event: LogEvent) => void>();
  if (options.onQuery) listeners.add(options.onQuery);
  return {
    log: (event: LogEvent) => {
      for (const listener of listeners) listener(event);
    },
    add: (listener: (event: LogEvent) => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

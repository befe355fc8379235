import fs from 'node:fs';
import type { DatabaseConnection, Dialect, Kysely, LogEvent, PostgresPool, QueryExecutor } from 'kysely';
import type pg from 'pg';
import { ConfigError, ConnectionError } from '../errors.js';
import { connectionErrorFor, isTransientConnectError } from './pg/connect-error.js';
import { waitForDataDirLock, type DirLockHolder } from './pglite/dir-lock.js';
import { nodePostgresParsers } from './pg/parsers.js';
import { pgliteOpenRefusal } from './pglite/dir.js';
import { countStatements } from '../sql/script-progress.js';
import { PglitePool } from './pglite/pool.js';
import { capabilitiesOf, type Capabilities } from './host.js';
import { parseTarget, type Target } from './target.js';
import { registerEmbedded } from './pglite/instance.js';
import type { PGlite } from '@electric-sql/pglite';
import { pollUntil } from '../poll-until.js';

export interface OpenOptions {
  /** postgres://, postgresql://, pglite://PATH, pglite://memory; none = embedded PGlite at .dbctl/pglite. */
  url?: string;
  /** `url` already parsed (a resolved config carries it): not parsed again when given. */
  target?: Target;
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
  /**
   * Embedded: how long to wait while another process has the directory open (ms), as a server run
   * waits for the run lock; then LockTimeoutError (exit 6) naming its pid. Default 0: refuse at once.
   */
  lockTimeoutMs?: number;
  /** Embedded: called when the open starts waiting for the process holding the directory. */
  onLockWait?: (holder: DirLockHolder) => void;
  /**
   * Called when the embedded database's base image must be made first (PGlite's initdb: a few
   * seconds, once per machine and PGlite version), so a front end can say why this run is slower.
   */
  onFirstRun?: () => void;
}

/** Raw SQL on one session, without Kysely. Parameters are $1, $2, …; no parameters allows a multi-statement script. */
export interface SqlClient {
  query<R = any>(text: string, parameters?: readonly unknown[]): Promise<{ rows: R[] }>;
}

/** One pooled session held by `Database.session`. */
export interface SessionClient extends SqlClient {
  /**
   * Calls `listener` if this session dies while it is held (terminated backend, server restart):
   * a lock held on an idle session is otherwise lost without anyone noticing. Returns an unsubscribe.
   */
  onLost(listener: (error: Error) => void): () => void;
  /**
   * Runs a multi-statement script whose rows are not needed; a failure tells how many of its
   * statements completed before the failing one (script-progress.ts).
   */
  script(text: string): Promise<void>;
}

export interface TransactionScripts {
  /** Sent with BEGIN, e.g. `set local lock_timeout = 5000`. */
  begin?: string;
  /** Called after `fn` succeeds; its SQL is sent with COMMIT (bookkeeping that must commit with the work). */
  beforeCommit?: () => string;
  /** Undo the session's settings after COMMIT/ROLLBACK, in the same round trip. */
  reset?: boolean;
  /** The session as `fn`'s Transaction uses it (the migrator's deferred DDL, src/migrate/deferred-ddl.ts). */
  connection?: (conn: DatabaseConnection) => DatabaseConnection;
}

/** What differs between the two backends, as flags the rest of dbctl reads instead of `if (pglite)` (one type: host.ts). */
export type { Capabilities } from './host.js';

export interface Database {
  readonly target: Target;
  /**
   * Kysely over the pool, loaded on first use: work that needs only raw SQL (status, reset) never
   * pays for loading Kysely's module graph, which is most of a short command's start-up.
   */
  kysely(): Promise<Kysely<any>>;
  /** Raw SQL on the pool (one pooled session per call). */
  query<R = any>(text: string, parameters?: readonly unknown[]): Promise<{ rows: R[] }>;
  /** Raw SQL on one pooled session held for the whole of `fn`. */
  session<T>(fn: (client: SessionClient) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in a transaction on one session, with dbctl's own statements riding in the same
   * round trips: `begin; <begin>` first, `<beforeCommit>; commit` on success, `rollback` on
   * failure, each followed by the session reset when `reset` is set. `fn` gets a Kysely
   * Transaction (what a migration receives as `db`), so it cannot nest or end the transaction.
   */
  transaction<T>(scripts: TransactionScripts, fn: (trx: Kysely<any>) => Promise<T>): Promise<T>;
  readonly capabilities: Capabilities;
  /**
   * Undoes whatever a migration SET on this session (search_path, role, timeouts) and re-applies
   * dbctl's own session settings, so nothing leaks into the next migration.
   */
  resetSession(session: Kysely<any>): Promise<void>;
  /** The script `resetSession` runs, for callers that send it in their own round trip (the migrator's SQL fast path). */
  readonly resetSql: string;
  /** Observe every query run through the database (dry runs capture SQL this way). Returns an unsubscribe. */
  onQuery(listener: (event: LogEvent) => void): () => void;
  close(): Promise<void>;
}

/** Opens a database from a URL: `pg` for a server, PGlite when embedded. Retries a server that is not up yet. */
export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const target = options.target ?? parseTarget(options.url, options.cwd ?? process.cwd());
  return target.kind === 'pg' ? openPg(target, options) : openPglite(target, options);
}

async function openPg(target: Extract<Target, { kind: 'pg' }>, options: OpenOptions): Promise<Database> {
  const { loadPg } = await import('./pg/module.js');
  const pg = loadPg();
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: target.url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: Math.max(1000, Math.min(connectTimeoutMs, 5000)),
    statement_timeout: options.statementTimeoutMs || undefined,
    application_name: options.applicationName ?? 'dbctl',
  });
  // Errors on idle clients (server restart) must not crash the process. A checked-out client that
  // loses its connection between queries emits 'error' too, which with no listener kills Node
  // ("Unhandled 'error' event"): every client gets a listener; the next query on it fails, and
  // sessions that must know at once (the run lock) subscribe through SqlClient.onLost.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const ended = sessionsEndedOf(pool);
  // Which statement of a script failed, counted as the server reports them (script-progress.ts).
  pool.on('connect', (client) => countStatements(client as never));
  // If dbctl is killed mid-migration, the server would keep running the statement (and holding the
  // run lock) until it next writes to the socket. PG 14+ can poll for a vanished client instead.
  let setup = '';
  pool.on('connect', (client) => {
    if (setup) client.query(setup).catch(() => {});
  });
  const started = Date.now();
  let distributed: Capabilities['distributed'];
  await pollUntil(async ({ delayMs }) => {
    try {
      const client = await pool.connect();
      try {
        const { rows } = await client.query(`select current_setting('server_version_num')::int as v, exists (select 1 from pg_catalog.pg_extension where extname = 'citus') as citus`);
        if (rows[0].v >= 140000) setup = 'set client_connection_check_interval = 1000';
        if (rows[0].citus) distributed = 'citus';
        if (setup) await client.query(setup);
      } finally {
        client.release();
      }
      return true;
    } catch (error) {
      const waited = Date.now() - started;
      if (!isTransientConnectError(error) || waited + delayMs > connectTimeoutMs) {
        await pool.end().catch(() => {});
        throw connectionErrorFor(error, target, waited);
      }
      return undefined;
    }
  }, { delayMs: 100, maxDelayMs: 1000 });
  return databaseOnPool(options, pool, {
    target,
    setup,
    close: ended,
    capabilities: { ...capabilitiesOf(target), ...(distributed ? { distributed } : {}) },
  });
}

/**
 * What `close()` waits for after `pool.end()`: every session's socket closed by the server. The
 * pool's end resolves once it has told its clients to end, before their backends are gone, and a
 * database renamed or dropped right after (a copy or a restore swapped in) would still find them:
 * the server then waits for them in 100 ms steps. A backend leaves the server's process list
 * before it closes its socket, so a closed socket is a session gone. At most five seconds (a
 * server that never answers the goodbye).
 */
function sessionsEndedOf(pool: pg.Pool): () => Promise<void> {
  const live = new Set<unknown>();
  let settle: (() => void) | undefined;
  pool.on('connect', (client) => live.add(client));
  pool.on('remove', (client) => {
    live.delete(client);
    if (!live.size) settle?.();
  });
  return () => new Promise<void>((resolve) => {
    if (!live.size) return resolve();
    const timer = setTimeout(resolve, 5_000);
    timer.unref();
    settle = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

async function openPglite(target: Extract<Target, { kind: 'pglite' }>, options: OpenOptions): Promise<Database> {
  const [{ PGlite }, { provideExtensionsLazily }] = await Promise.all([
    import('./pglite/module.js').then((m) => m.loadPglite()),
    import('./pglite/extensions.js'),
  ]);
  // Before the lock file or a mkdir: a path that cannot be a database touches nothing.
  const refusal = target.dataDir ? pgliteOpenRefusal(target.dataDir) : null;
  if (refusal) {
    throw new ConfigError(`embedded database ${target.dataDir} ${refusal}`, {
      hint: 'point pglite:// at a new or empty folder, or at an existing embedded database',
    });
  }
  const release = target.dataDir ? await waitForDataDirLock(target.dataDir, { timeoutMs: options.lockTimeoutMs, onWait: options.onLockWait }) : () => {};
  let pglite;
  try {
    if (target.dataDir) {
      fs.mkdirSync(target.dataDir, { recursive: true });
      // A new directory starts as a copy of the machine's initialised base image (tens of ms)
      // instead of PGlite's initdb (1–5 s): a deleted .dbctl/pglite comes back at once.
      if (!fs.readdirSync(target.dataDir).length) {
        const { copyPgliteBase } = await import('./pglite/image.js');
        await copyPgliteBase(target.dataDir, { onBuild: options.onFirstRun });
      }
    }
    // In memory: the base image's files written into PGlite's in-memory file system, instead of
    // PGlite's initdb (~10 s of CPU).
    const memoryFs = target.dataDir ? undefined : await (await import('./pglite/memory-image.js')).memoryFsFromBaseImage({ onBuild: options.onFirstRun });
    pglite = await PGlite.create({
      dataDir: target.dataDir ?? undefined,
      fs: memoryFs,
      // No `extensions`: PGlite would unpack each one at every start. Every extension it ships
      // (vector included) is unpacked on first use instead.
      parsers: nodePostgresParsers(),
    });
    provideExtensionsLazily(pglite);
  } catch (error) {
    release();
    throw new ConnectionError(`cannot open embedded database ${target.dataDir ?? '(memory)'}: ${(error as Error).message}`, {
      hint: `the directory may be damaged or from another PGlite version: remove it with \`dbctl db drop --url pglite://${target.dataDir ?? 'memory'}\` (its data is lost) or move it away, then run again`,
      cause: error,
    }, 'pglite_open');
  }
  const setup = options.statementTimeoutMs ? `set statement_timeout = ${Math.floor(options.statementTimeoutMs)}` : '';
  if (setup) await pglite.exec(setup);
  const pool = new PglitePool(pglite);
  return databaseOnPool(options, pool, {
    target,
    setup,
    pglite,
    capabilities: capabilitiesOf(target),
    close: async () => {
      try {
        await pglite.close();
      } finally {
        release();
      }
    },
  });
}

/** The event methods of a pg client (PGlite's pooled client has none: its session cannot be lost). */
interface EventSource {
  on(event: 'error' | 'end', listener: (error: Error) => void): unknown;
  off(event: 'error' | 'end', listener: (error: Error) => void): unknown;
}

/** What both pools offer: node-postgres's pool shape (PglitePool imitates it). */
interface PgShapedPool {
  connect(): Promise<{ query(text: string, parameters?: readonly unknown[]): Promise<{ rows: any[] }>; runScript?(text: string): Promise<void>; release(): void }>;
  end(): Promise<void>;
}

/**
 * The Database over a pool: raw SQL straight on the pool, and Kysely (its PostgresDialect on the
 * same pool) built on first use. Every query, raw or Kysely, reaches the `onQuery` listeners.
 */
async function databaseOnPool(
  options: OpenOptions,
  pool: PgShapedPool,
  parts: { target: Target; setup: string; pglite?: PGlite; capabilities: Capabilities; close?: () => Promise<void> },
): Promise<Database> {
  const hub = queryHub(options);
  let db: Kysely<any> | undefined;
  let dialect: Dialect | undefined;
  const kysely = async () => {
    if (!db) {
      const { Kysely, PostgresDialect } = await import('kysely');
      // Kysely's destroy() would end the pool; dbctl closes the pool itself, once.
      const shared = { connect: () => pool.connect(), end: async () => {} };
      dialect ??= new PostgresDialect({ pool: shared as unknown as PostgresPool });
      db ??= new Kysely<any>({ dialect, log: hub.log });
    }
    return db;
  };
  const logged = (client: LoggableClient) => loggedClient(hub, client);
  const transaction = async <T>(scripts: TransactionScripts, fn: (trx: Kysely<any>) => Promise<T>): Promise<T> => {
    const k = await kysely();
    const { Transaction } = await import('kysely');
    const { sqlClientOf } = await import('./kysely-sql.js');
    const after = scripts.reset ? `; ${resetScript(parts.setup)}` : '';
    return k.connection().execute(async (conn) => {
      const run = (text: string) => sqlClientOf(conn).query(text);
      try {
        // Inside the try: if the begin script itself fails, the session is still rolled back.
        await run(scripts.begin ? `begin; ${scripts.begin}` : 'begin');
        // Kysely's own Transaction class over this session (its driver is never used: a
        // Transaction refuses transaction(), connection() and destroy()).
        const trx = new Transaction<any>({ config: { dialect: dialect!, log: hub.log }, dialect: dialect!, driver: dialect!.createDriver(), executor: executorOf(conn.getExecutor(), scripts.connection) });
        const result = await fn(trx);
        const before = scripts.beforeCommit?.();
        await run(`${before ? `${before}; ` : ''}commit${after}`);
        return result;
      } catch (error) {
        // After a failed COMMIT there is no transaction left: ROLLBACK only warns.
        await run(`rollback${after}`).catch(() => {});
        throw error;
      }
    });
  };
  const session = async <T>(fn: (client: SessionClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn(logged(client));
    } finally {
      client.release();
    }
  };
  const database: Database = {
    target: parts.target,
    kysely,
    query: (text, parameters) => session((client) => client.query(text, parameters)),
    session,
    transaction,
    onQuery: hub.add,
    resetSession: (conn) => resetSession(conn, parts.setup),
    resetSql: resetScript(parts.setup),
    capabilities: parts.capabilities,
    close: async () => {
      await db?.destroy();
      await pool.end();
      await parts.close?.();
    },
  };
  if (parts.pglite) registerEmbedded(database, parts.pglite);
  return database;
}

/** The executor with its connection seen through `wrap`, when there is one. */
function executorOf(executor: QueryExecutor, wrap: TransactionScripts['connection']): QueryExecutor {
  if (!wrap) return executor;
  return executor.withConnectionProvider({ provideConnection: (consumer) => executor.provideConnection((conn) => consumer(wrap(conn))) });
}

type LoggableClient = { query(text: string, parameters?: readonly unknown[]): Promise<{ rows: any[] }>; runScript?(text: string): Promise<void>; on?: EventSource['on']; off?: EventSource['off'] };

/** A pool's client as a SessionClient: every query and script it runs reaches the `onQuery` listeners. */
function loggedClient(hub: ReturnType<typeof queryHub>, client: LoggableClient): SessionClient {
  return {
    onLost(listener) {
      const ended = () => listener(new Error('Connection terminated unexpectedly'));
      client.on?.('error', listener);
      client.on?.('end', ended);
      return () => {
        client.off?.('error', listener);
        client.off?.('end', ended);
      };
    },
    async query(text, parameters = []) {
      const started = performance.now();
      const query = { sql: text, parameters, query: undefined as never, queryId: undefined as never };
      try {
        const result = await client.query(text, parameters.length ? parameters : undefined);
        hub.log({ level: 'query', query, queryDurationMillis: performance.now() - started });
        return result;
      } catch (error) {
        hub.log({ level: 'error', error, query, queryDurationMillis: performance.now() - started });
        throw error;
      }
    },
    async script(text) {
      if (!client.runScript) return void (await this.query(text));
      const started = performance.now();
      const query = { sql: text, parameters: [], query: undefined as never, queryId: undefined as never };
      try {
        await client.runScript(text);
        hub.log({ level: 'query', query, queryDurationMillis: performance.now() - started });
      } catch (error) {
        hub.log({ level: 'error', error, query, queryDurationMillis: performance.now() - started });
        throw error;
      }
    },
  };
}

/** One round trip: the reset and dbctl's session settings as one script. */
async function resetSession(session: Kysely<any>, setup: string): Promise<void> {
  const { sql } = await import('kysely');
  await sql.raw(resetScript(setup)).execute(session);
}

export function resetScript(setup: string): string {
  return setup ? `reset all; ${setup}` : 'reset all';
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

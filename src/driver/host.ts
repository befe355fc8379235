import path from 'node:path';
import { UsageError } from '../errors.js';
import { serverAddress, type Target } from './target.js';
import { withOpen } from '../with-open.js';

/** Someone connected to a database (a server's pg_stat_activity; embedded: the process holding the directory). */
export interface Session {
  pid: number;
  user: string | null;
  application: string;
  client: string | null;
  state: string | null;
  since: string | null;
}

/**
 * What a backend can do, asked as "can this backend do X", never "is this PGlite": one type for a
 * Database and a Host. Everything but `distributed` follows from the URL (capabilitiesOf).
 */
export interface Capabilities {
  /** Several sessions at once (a real server). PGlite is one session, so run locks are moot there. */
  concurrentSessions: boolean;
  /**
   * Reached over the Postgres wire protocol, so any client can open it (psql, pg_dump, another
   * process's driver). An embedded database is reached only through dbctl, or once served (`db serve`).
   */
  wire: boolean;
  /** How a database is copied from a template: CREATE DATABASE … TEMPLATE, or copying its directory. */
  templates: 'create-database' | 'directory-copy';
  /**
   * How a dump is taken and restored: the libpq client tools (pg_dump, pg_restore, psql) against
   * the server, or PGlite's own pg_dump (plain SQL, dumpEmbedded) and dbctl's SQL loader.
   */
  dump: 'pg_dump' | 'pglite-tools';
  /**
   * `'citus'` when the citus extension is present: detected once, when a database is opened (the
   * extension in it) or a host is opened beside one (pg/citus.ts: then the host makes every
   * database on every node). Seeds count rows through the coordinator, doctor reports the
   * cluster, backup says what a coordinator dump holds, test databases are cloned on every node.
   */
  distributed?: 'citus';
  /**
   * Set on the embedded engine: it stands in for a production server, which may be an older
   * Postgres (`postgres.version`), so migrations are also checked against that major. A real
   * server is its own judge.
   */
  standIn?: boolean;
}

/** The earlier name of Capabilities (a Host's), kept for library users. */
export type HostCapabilities = Capabilities;

/** What a target's backend can do, known from its URL alone; `distributed` is detected when it is opened. */
export function capabilitiesOf(target: Target): Capabilities {
  return target.kind === 'pg'
    ? { concurrentSessions: true, wire: true, templates: 'create-database', dump: 'pg_dump' }
    : { concurrentSessions: false, wire: false, templates: 'directory-copy', dump: 'pglite-tools', standIn: true };
}

export interface CreateOptions {
  /** Copy this database (which must be a template, see markTemplate) instead of starting empty. */
  template?: string;
}

export interface DropOptions {
  /** Disconnect open sessions (a server); without it, a database in use is refused (exit 5). */
  force?: boolean;
  /** Also drop a database marked as a template (test templates); otherwise a template is refused as the server refuses it. */
  template?: boolean;
}

/**
 * Where databases live and how they are made: a server's databases, or the PGlite directories in
 * one folder. Names are database names on a server and directory names embedded. Everything that
 * creates, drops, lists or clones databases goes through here: `db create/drop/fresh`, test
 * databases and their templates, `restore --create`, throwaway databases.
 */
export interface Host {
  readonly capabilities: Capabilities;
  /** For messages: `host:port`, or `embedded PGlite in <folder>`. */
  readonly label: string;
  /** The role it acts as on a server (for messages about its rights); none embedded. */
  readonly role?: string;
  /** Database `name` on this host, parsed: what opening it takes (its `url` for another process). */
  urlOf(name: string): Target;
  exists(name: string): Promise<boolean>;
  /**
   * Creates `name` (empty, or copied from `options.template`) and gives its parsed `target`; `created` false when it already
   * existed. `strategy` says how: empty, WAL_LOG / FILE_COPY / default (server), directory copy.
   * A server's own refusal (no CREATEDB, a template in use, a full disk) is thrown as it comes.
   */
  create(name: string, options?: CreateOptions): Promise<{ target: Target; created: boolean; strategy: string }>;
  /** Drops `name`; `dropped` false when there was none. Open sessions refuse it (exit 5) unless `force`. */
  drop(name: string, options?: DropOptions): Promise<{ dropped: boolean; disconnected: number }>;
  /** Every database (directory) name on the host; the caller filters. */
  list(): Promise<string[]>;
  /** Who else has `name` open. */
  sessions(name: string): Promise<Session[]>;
  /** A finished template: what markTemplate left. */
  isTemplate(name: string): Promise<boolean>;
  /**
   * What changes whenever a finished template's contents can have (undefined: none such, or no way
   * to tell): on a server its oid and its pg_database row's version, which the ALTER DATABASE that
   * lets anyone connect to change it rewrites. A cache of what its clones hold is keyed by it.
   */
  templateIdentity?(name: string): Promise<string | undefined>;
  /** Freezes `name` as a template others are cloned from (a server: no connections allowed). */
  markTemplate(name: string): Promise<void>;
  /**
   * Runs `fn` while holding the host-wide lock `name` (a server's advisory lock, a lock file
   * embedded), waiting up to `timeoutMs` for another holder; then a LockTimeoutError (exit 6).
   */
  withLock<T>(name: string, timeoutMs: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface HostOptions {
  cwd?: string;
  /** How long to keep retrying an unreachable server (ms). */
  connectTimeoutMs?: number;
  applicationName?: string;
  /**
   * When the database the host is opened beside belongs to a distributed cluster (the citus
   * extension, with workers), make every database on every node (pg/citus.ts): test databases.
   * Otherwise only the server the URL names is used.
   */
  distributed?: boolean;
}

/** A host and the name of `target`'s database on it (`db create`, `db drop`, `restore --create`). */
export interface HostOfTarget {
  host: Host;
  name: string;
}

/**
 * The host `target` lives on: its server (reached through the maintenance database), or, embedded,
 * the folder holding its directory. pglite://memory lives inside one process: it has no host.
 */
export async function openHostOf(target: Target, options: HostOptions & { operation: string }): Promise<HostOfTarget> {
  if (target.kind === 'pg') {
    const { serverHost } = await import('./pg/host.js');
    return { host: await serverHost(target, options), name: target.database };
  }
  if (target.dataDir === null) {
    throw new UsageError(`${options.operation}: pglite://memory lives only inside one process; there is nothing to ${options.operation.replace(/^\S+ /, '')}`);
  }
  const { embeddedHost } = await import('./pglite/host.js');
  return { host: embeddedHost(path.dirname(target.dataDir)), name: path.basename(target.dataDir) };
}

/**
 * The host for databases beside `target`: its server, or embedded, the folder `embeddedRoot`
 * (test databases live in .dbctl/testdb, throwaway ones in the temp folder).
 */
export async function openHostBeside(target: Target, embeddedRoot: string, options: HostOptions = {}): Promise<Host> {
  if (target.kind === 'pg') {
    const { serverHost } = await import('./pg/host.js');
    return serverHost(target, options);
  }
  const { embeddedHost } = await import('./pglite/host.js');
  return embeddedHost(embeddedRoot);
}

/** The database every server has, through which its Host creates and drops the others. */
export const MAINTENANCE_DATABASE = 'postgres';

/** Whether `target` is the database its Host works through (a server's maintenance database): not to be created or dropped. */
export function isMaintenanceDatabase(target: Target): boolean {
  return target.kind === 'pg' && target.database === MAINTENANCE_DATABASE;
}

/** Where a database made beside `target` lives, for messages: `on the server host:port`, or `(embedded PGlite)`. */
export function throwawayWhere(target: Target): string {
  return target.kind === 'pg' ? `on the server ${serverAddress(target)}` : '(embedded PGlite)';
}

/** Which host openHostBeside would open, as a key: the server's `host:port`, or the embedded folder. */
export function hostKeyBeside(target: Target, embeddedRoot: string): string {
  return target.kind === 'pg' ? `${serverAddress(target)}` : path.resolve(embeddedRoot);
}

/** Opens the host, runs `fn`, and always closes it. */
export async function withHost<T>(opening: Promise<Host>, fn: (host: Host) => Promise<T>): Promise<T> {
  return withOpen(opening, fn);
}

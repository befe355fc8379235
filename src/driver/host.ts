import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Target } from './url.js';
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

/** What a host can do, asked as "can this backend do X", never "is this PGlite". */
export interface HostCapabilities {
  /** Several sessions at once (a server). PGlite is one process and one session. */
  concurrentSessions: boolean;
  /** How a database is copied from a template: CREATE DATABASE … TEMPLATE, or copying its directory. */
  templates: 'create-database' | 'directory-copy';
  /** How a dump is taken: the pg_dump client against the server, or PGlite's own pg_dump (plain SQL). */
  dump: 'pg_dump' | 'pglite-tools';
  /** Set when the server preloads Citus: its databases may be spread over worker nodes. */
  distributed?: 'citus';
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
  readonly capabilities: HostCapabilities;
  /** For messages: `host:port`, or `embedded PGlite in <folder>`. */
  readonly label: string;
  /** The role it acts as on a server (for messages about its rights); none embedded. */
  readonly role?: string;
  /** The URL of database `name` on this host. */
  urlOf(name: string): string;
  exists(name: string): Promise<boolean>;
  /**
   * Creates `name` (empty, or copied from `options.template`); `created` false when it already
   * existed. `strategy` says how: empty, WAL_LOG / FILE_COPY / default (server), directory copy.
   * A server's own refusal (no CREATEDB, a template in use, a full disk) is thrown as it comes.
   */
  create(name: string, options?: CreateOptions): Promise<{ url: string; created: boolean; strategy: string }>;
  /** Drops `name`; `dropped` false when there was none. Open sessions refuse it (exit 5) unless `force`. */
  drop(name: string, options?: DropOptions): Promise<{ dropped: boolean; disconnected: number }>;
  /** Every database (directory) name on the host; the caller filters. */
  list(): Promise<string[]>;
  /** Who else has `name` open. */
  sessions(name: string): Promise<Session[]>;
  /** A finished template: what markTemplate left. */
  isTemplate(name: string): Promise<boolean>;
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
    const { serverHost } = await import('./pg-host.js');
    return { host: await serverHost(target, options), name: target.database };
  }
  if (target.dataDir === null) {
    throw new UsageError(`${options.operation}: pglite://memory lives only inside one process; there is nothing to ${options.operation.replace(/^\S+ /, '')}`);
  }
  const { embeddedHost } = await import('./pglite-host.js');
  return { host: embeddedHost(path.dirname(target.dataDir)), name: path.basename(target.dataDir) };
}

/**
 * The host for databases beside `target`: its server, or embedded, the folder `embeddedRoot`
 * (test databases live in .dbctl/testdb, throwaway ones in the temp folder).
 */
export async function openHostBeside(target: Target, embeddedRoot: string, options: HostOptions = {}): Promise<Host> {
  if (target.kind === 'pg') {
    const { serverHost } = await import('./pg-host.js');
    return serverHost(target, options);
  }
  const { embeddedHost } = await import('./pglite-host.js');
  return embeddedHost(embeddedRoot);
}

/** Opens the host, runs `fn`, and always closes it. */
export async function withHost<T>(opening: Promise<Host>, fn: (host: Host) => Promise<T>): Promise<T> {
  return withOpen(opening, fn);
}

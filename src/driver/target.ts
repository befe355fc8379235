import path from 'node:path';
import { UsageError } from '../errors.js';
import { redactUrl, registerUrlSecrets } from '../secrets.js';

/** Where a database lives, parsed from a URL (or the embedded default when there is none). */
export type Target =
  | { kind: 'pg'; url: string; host: string; port: number; database: string; user: string; sslmode?: string }
  | { kind: 'pglite'; url: string; dataDir: string | null; database: string };

/** A target on a database server. */
export type ServerTarget = Extract<Target, { kind: 'pg' }>;
/** An embedded (PGlite) target. */
export type EmbeddedTarget = Extract<Target, { kind: 'pglite' }>;

export const DEFAULT_PGLITE_DIR = '.dbctl/pglite';

export { redact } from '../secrets.js';

/**
 * Parses `postgres://`, `postgresql://`, `pglite://PATH`, `pglite://memory`, or nothing (undefined:
 * the embedded default). An empty string is not nothing: it is a URL read from a variable that is
 * not set, and taking it for the embedded default would act on a database nobody named. `server`:
 * the URL names a server (a fleet's `server`, a test server), where an empty database name is fine.
 */
export function parseTarget(url: string | undefined, cwd: string, options: { server?: boolean } = {}): Target {
  registerUrlSecrets(url);
  if (url !== undefined && url.trim() === '') {
    throw new UsageError('empty database URL: is the variable it was read from unset?', { hint: 'give a postgres:// or pglite:// URL, or none at all for the embedded database' });
  }
  if (url === undefined) {
    const dataDir = path.resolve(cwd, DEFAULT_PGLITE_DIR);
    return { kind: 'pglite', url: `pglite://${DEFAULT_PGLITE_DIR}`, dataDir, database: 'postgres' };
  }
  if (/^pglite:/i.test(url)) {
    const rest = url.replace(/^pglite:(\/\/)?/i, '');
    if (rest === '' ) throw new UsageError(`invalid database URL "${url}": pglite:// needs a directory or "memory"`);
    // A directory name is taken as written, so `pglite://devdb\r` (a value from a file with Windows
    // line endings, or a secret with a trailing newline) would open a new, empty database beside the
    // real one and report it "pending" or migrate it. (A postgres:// URL is trimmed by the URL parser
    // the driver uses too, so there both sides read the same name.)
    if (/[\u0000-\u001f\u007f]/.test(rest) || rest !== rest.trim()) {
      throw new UsageError(`invalid database URL ${JSON.stringify(url)}: the directory name holds a control character or leading/trailing space`, {
        hint: 'a value read from a file with Windows line endings or a trailing newline? remove it',
      });
    }
    if (rest === 'memory' || rest === ':memory:') {
      return { kind: 'pglite', url: 'pglite://memory', dataDir: null, database: 'postgres' };
    }
    return { kind: 'pglite', url: `pglite://${rest}`, dataDir: path.resolve(cwd, rest), database: 'postgres' };
  }
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new UsageError(`invalid database URL "${redactUrl(url)}": expected postgres://, postgresql:// or pglite://`, {
      hint: 'for example postgres://user@localhost:5432/mydb, or leave DATABASE_URL unset for the embedded database',
    });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`invalid database URL "${redactUrl(url)}": it cannot be parsed`, {
      hint: 'percent-encode special characters in the user name and password (e.g. @ as %40)',
    });
  }
  // What the connection will reach, read as the driver (node-postgres) reads the URL: a query
  // parameter (?host=, ?port=, ?user=) over the URL's own part, then PGHOST/PGPORT/PGDATABASE/PGUSER,
  // then the defaults. The target line, the guard and --confirm name this database, so they must not
  // name another one than the connection opens (PGPORT=5441 with a URL without a port reached 5441
  // while the target line said 5432).
  const query = parsed.searchParams;
  const environ = process.env;
  const pathName = parsed.pathname.replace(/^\//, '');
  // (Not for a URL that names a server, a fleet's `server` or a test server: its database is only
  // where dbctl connects to list or make others, and `postgres://host:5432/` is a natural way to write it.)
  if (parsed.pathname === '/' && !options.server) {
    // `postgres://host:5432/$DB` with DB unset: a database name read from an unset variable is not
    // "the default database", which would be the user's own.
    throw new UsageError(`invalid database URL "${redactUrl(url)}": the database name after the last "/" is empty: is the variable it was read from unset?`, {
      hint: 'name the database (postgres://host:5432/NAME), or leave out the "/" for the server\'s default (the user\'s name)',
    });
  }
  const user = query.get('user') || decodeURIComponent(parsed.username) || environ.PGUSER || environ.USER || 'postgres';
  const host = query.get('host') || parsed.hostname.replace(/^\[(.*)\]$/, '$1') || environ.PGHOST || 'localhost';
  const portText = query.get('port') || parsed.port || environ.PGPORT || '5432';
  const database = decodeURIComponent(pathName) || environ.PGDATABASE || user;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port <= 0 || port > 65535) {
    throw new UsageError(`invalid database URL "${redactUrl(url)}": bad port "${portText}"`);
  }
  return { kind: 'pg', url, host, port, database, user, sslmode: query.get('sslmode') ?? undefined };
}

/** Same server, another database: used for test databases and `db create`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** `host:port` of a server, an IPv6 address in brackets (`[::1]:5432`), for messages. */
export function serverAddress(target: ServerTarget): string {
  return `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}

/** `host:port/database`, for messages. */
export function describeTarget(target: Target): string {
  return target.kind === 'pg'
    ? `${serverAddress(target)}/${target.database}`
    : target.dataDir === null
      ? 'embedded PGlite (in memory)'
      : `embedded PGlite at ${target.dataDir}`;
}

/** The server `target` is on; undefined when it is embedded (capabilities that need a server ask this). */
export function serverOf(target: Target): ServerTarget | undefined {
  return target.kind === 'pg' ? target : undefined;
}

/** An embedded target (its data directory, null in memory); undefined on a server. */
export function embeddedOf(target: Target): EmbeddedTarget | undefined {
  return target.kind === 'pglite' ? target : undefined;
}

/** `host:port` of a server; for an embedded database, the same as describeTarget. */
export function hostLabel(target: Target): string {
  return target.kind === 'pg' ? serverAddress(target) : describeTarget(target);
}

/**
 * The name a person knows the database by: the database on a server; for PGlite, whose database
 * is always `postgres`, the data directory's name, which says which copy is meant (`memory` in memory).
 */
export function databaseName(target: Target): string {
  if (target.kind === 'pg') return target.database;
  return target.dataDir === null ? 'memory' : path.basename(target.dataDir);
}

/**
 * Database `name` beside `target`: on a server, another database on it; embedded, the directory
 * `name` (relative to `cwd`), as `restore --create NAME` means it.
 */
export function siblingTarget(target: Target, name: string, cwd: string): Target {
  return target.kind === 'pg' ? parseTarget(withDatabase(target.url, name), cwd) : parseTarget(`pglite://${path.resolve(cwd, name)}`, cwd);
}

/** Which backend a target is, for what reports and JSON call it; code asks capabilities instead. */
export type Backend = 'pg' | 'pglite';

export function backendOf(target: Target): { id: Backend; label: string } {
  return target.kind === 'pg' ? { id: 'pg', label: 'server' } : { id: 'pglite', label: 'embedded PGlite' };
}

/** The network host name the target is reached at (what productionHosts patterns match); undefined embedded. */
export function networkHostOf(target: Target): string | undefined {
  return target.kind === 'pg' ? target.host : undefined;
}

/**
 * What names the one database a target is, apart from its host (compared separately, by address):
 * the port and database on a server, the data directory embedded; undefined in memory, where each
 * open is a database of its own.
 */
export function databaseKeyOf(target: Target): string | undefined {
  if (target.kind === 'pg') return `pg\0${target.port}\0${target.database}`;
  return target.dataDir === null ? undefined : `pglite\0${target.dataDir}`;
}

/** What a member of a fleet is called by default: the database on a server, the description embedded. */
export function defaultNameOf(target: Target): string {
  return target.kind === 'pg' ? target.database : describeTarget(target);
}

/**
 * Where `restore --create NAME` puts a new database beside `configured`: another database on its
 * server, or, embedded, the directory NAME beside the configured one (pglite://memory: beside the
 * default's, in .dbctl/). An embedded NAME is a directory name, never a path.
 */
export function restoreTargetBeside(configured: Target, name: string, cwd: string, option = '--create'): Target {
  if (configured.kind === 'pg') return siblingTarget(configured, name, cwd);
  const root = path.dirname(configured.dataDir ?? path.resolve(cwd, DEFAULT_PGLITE_DIR));
  // A name, not a path: `--create ../x` or `--create a/b` would put a database outside .dbctl/.
  if (name === '.' || name === '..' || /[\\/]/.test(name)) {
    throw new UsageError(`${option} ${name}: give a name, not a path (embedded databases are made beside the configured one, in ${path.relative(cwd, root) || '.'})`, {
      hint: 'to restore into a directory of your choice, restore with --into pglite://PATH',
    });
  }
  return parseTarget(`pglite://${path.join(root, name)}`, cwd);
}

/**
 * A database named `name` where test databases live beside `configured`: on its server, or in the
 * embedded test folder `embeddedDir` (relative to `cwd`).
 */
export function testTargetBeside(configured: Target, name: string, cwd: string, embeddedDir: string): Target {
  if (configured.kind === 'pg') return siblingTarget(configured, name, cwd);
  return parseTarget(`pglite://${path.resolve(cwd, embeddedDir, name)}`, cwd);
}

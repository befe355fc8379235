import path from 'node:path';
import type { FleetConfig, FleetTarget } from '../config/define.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { quoteIdent } from '../driver/quote.js';
import { describeTarget, hostLabel, parseTarget, serverOf, withDatabase as withDatabaseName } from '../driver/url.js';
import { ConfigError, UsageError } from '../errors.js';
import { registerUrlSecrets } from '../secrets.js';
import { withServerClient } from './servers.js';

/** One database (or one tenant schema of a database) of a fleet. */
export interface FleetMember {
  /** Shown in reports: the database name, `database/schema`, or the target's own name. */
  name: string;
  /** Connection URL; for a tenant schema it carries `options=-c search_path=…`. */
  url: string;
  /** The tenant schema (schema per tenant): bookkeeping and search_path. */
  schema?: string;
  /** `host:port` (or the embedded directory): the connection budget is per server. */
  server: string;
  /**
   * Members with the same lane run one after another: tenant schemas of one database share its run
   * lock, so running them side by side would only make them queue for it.
   */
  lane: string;
}

export interface Fleet {
  name: string;
  members: FleetMember[];
}

export interface FleetSelection {
  /** A fleet declared in the config's `fleets`. */
  fleet?: string;
  /** Every database on the configured server whose name matches this LIKE pattern. */
  allDatabases?: string;
}

/** The members of the selected fleet, in a stable order (as listed, or by name for patterns). */
export async function resolveFleet(config: ResolvedConfig, selection: FleetSelection): Promise<Fleet> {
  if (!!selection.fleet === !!selection.allDatabases) {
    throw new UsageError('choose the fleet: --fleet NAME (from the config\'s fleets) or --all-databases PATTERN', {
      hint: declaredHint(config),
    }, 'fleet_selection');
  }
  if (selection.allDatabases) {
    const target = serverOf(config.target);
    if (!target) {
      throw new UsageError('--all-databases needs a database server (a postgres:// URL): the embedded database is one database', {}, 'fleet_embedded');
    }
    const name = `all-databases ${selection.allDatabases}`;
    return { name, members: await databasesMatching(withDatabaseName(config.url!, target.database), selection.allDatabases) };
  }
  const declared = config.raw.fleets ?? {};
  const fleet = declared[selection.fleet!];
  if (fleet === undefined) {
    throw new UsageError(`no fleet named "${selection.fleet}" in ${config.configFile ? path.relative(config.cwd, config.configFile) : 'the config (there is no config file)'}`, {
      hint: declaredHint(config),
    }, 'fleet_unknown');
  }
  const members = await membersOf(fleet, config);
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(m.name)) throw new ConfigError(`fleet "${selection.fleet}" lists ${m.name} twice`, { hint: 'each database (or tenant schema) may appear once' }, 'fleet_duplicate');
    seen.add(m.name);
  }
  return { name: selection.fleet!, members };
}

function declaredHint(config: ResolvedConfig): string {
  const names = Object.keys(config.raw.fleets ?? {});
  return names.length ? `declared fleets: ${names.join(', ')}` : 'declare fleets in dbctl.config.ts: fleets: { tenants: { server: "postgres://…", databases: "tenant_%" } }';
}

async function membersOf(fleet: FleetConfig, config: ResolvedConfig): Promise<FleetMember[]> {
  if (typeof fleet === 'function') return fromTargets(await fleet({ env: config.env }), config);
  if (Array.isArray(fleet)) return fromTargets(fleet, config);
  if ('server' in fleet) return databasesMatching(fleet.server, fleet.databases, fleet.exclude);
  if ('schemas' in fleet) return schemasMatching(fleet.url, fleet.schemas, fleet.exclude, fleet.searchPath ?? []);
  return fromTargets(await loadFleetModule(path.resolve(config.cwd, fleet.module), config), config);
}

/** A fleet module: its default export is the list, or a function (maybe async) returning it. */
async function loadFleetModule(file: string, config: ResolvedConfig): Promise<FleetTarget[]> {
  const { describeLoadFailure, importWithJiti } = await import('../loader.js');
  let mod: unknown;
  try {
    mod = await importWithJiti(file, { fresh: true, default: true });
  } catch (error) {
    const failure = describeLoadFailure(error, file, config.cwd);
    throw new ConfigError(`${failure.where}: cannot load the fleet module: ${failure.reason}`, { cause: error, data: { report: failure.excerpt } }, 'fleet_module');
  }
  const targets = typeof mod === 'function' ? await (mod as (c: { env: string }) => unknown)({ env: config.env }) : mod;
  if (!Array.isArray(targets)) {
    throw new ConfigError(`${path.relative(config.cwd, file)}: the fleet module must export (as default) a list of targets or a function returning one`, {}, 'fleet_module');
  }
  return targets as FleetTarget[];
}

function fromTargets(targets: FleetTarget[], config: ResolvedConfig): FleetMember[] {
  if (!Array.isArray(targets)) throw new ConfigError('a fleet function must return a list of targets (URLs or { url, schema?, name? })', {}, 'fleet_module');
  return targets.map((t, i) => {
    const { url, schema, name } = typeof t === 'string' ? { url: t, schema: undefined, name: undefined } : t;
    if (typeof url !== 'string' || !url) throw new ConfigError(`fleet target ${i + 1} has no url`, {}, 'fleet_target');
    registerUrlSecrets(url);
    const target = parseTarget(url, config.cwd);
    const base = serverOf(target)?.database ?? describeTarget(target);
    return member(url, hostLabel(target), name ?? (schema ? `${base}/${schema}` : base), schema, []);
  });
}

function member(url: string, server: string, name: string, schema: string | undefined, searchPath: string[]): FleetMember {
  const database = schema ? url : '';
  return { name, url: schema ? withSearchPath(url, [schema, ...searchPath]) : url, schema, server, lane: database || url };
}

/** Every database on `serverUrl`'s server whose name is LIKE `pattern` (and not LIKE `exclude`), connectable, by name. */
async function databasesMatching(serverUrl: string, pattern: string, exclude?: string): Promise<FleetMember[]> {
  registerUrlSecrets(serverUrl);
  const target = serverOf(parseTarget(serverUrl, process.cwd()));
  if (!target) throw new ConfigError('a { server, databases } fleet needs a postgres:// server URL', {}, 'fleet_target');
  const names = await withServerClient(serverUrl, async (c) =>
    (await c.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 and ($2::text is null or datname not like $2) and datallowconn and not datistemplate order by datname collate "C"`,
      [pattern, exclude ?? null],
    )).rows.map((r) => r.datname),
  );
  return names.map((name) => member(withDatabaseName(serverUrl, name), `${target.host}:${target.port}`, name, undefined, []));
}

/** Every schema of the database at `url` whose name is LIKE `pattern` (and not LIKE `exclude`), by name. */
async function schemasMatching(url: string, pattern: string, exclude: string | undefined, searchPath: string[]): Promise<FleetMember[]> {
  registerUrlSecrets(url);
  const target = serverOf(parseTarget(url, process.cwd()));
  if (!target) throw new ConfigError('a { url, schemas } fleet needs a postgres:// URL', {}, 'fleet_target');
  const schemas = await withServerClient(url, async (c) =>
    (await c.query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname like $1 and ($2::text is null or nspname not like $2) and nspname not like 'pg\\_%' and nspname <> 'information_schema' order by nspname collate "C"`,
      [pattern, exclude ?? null],
    )).rows.map((r) => r.nspname),
  );
  return schemas.map((schema) => member(url, `${target.host}:${target.port}`, `${target.database}/${schema}`, schema, searchPath));
}

/**
 * The URL with `search_path` set at connection start (libpq's and node-postgres's `options`), so it
 * is the session's default: the migrator's `RESET ALL` after each migration returns to it rather
 * than to the server's.
 */
export function withSearchPath(url: string, schemas: string[]): string {
  const parsed = new URL(url);
  // In `options`, a space or backslash inside a value is escaped with a backslash.
  const value = schemas.map(quoteIdent).join(',').replace(/[\\ ]/g, (c) => `\\${c}`);
  parsed.searchParams.delete('options');
  // Percent-encoded (not `+` for a space), as libpq reads URIs too.
  const options = `options=${encodeURIComponent(`-c search_path=${value}`)}`;
  parsed.search = parsed.search ? `${parsed.search}&${options}` : `?${options}`;
  return parsed.toString();
}

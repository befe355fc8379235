import path from 'node:path';
import type { FleetConfig } from '../config/define.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { quoteIdent } from '../sql/quote.js';
import { capabilitiesOf } from '../driver/host.js';
import { defaultNameOf, hostLabel, parseTarget, withDatabase as withDatabaseName, type Target } from '../driver/target.js';
import { ConfigError, isDbctlError, UsageError } from '../errors.js';
import { redact, registerUrlSecrets } from '../secrets.js';
import { assertDistinctMembers } from './identity.js';
import { assertGlob, likeOfGlob } from './pattern.js';
import { withServerClient } from './servers.js';

/** One database (or one tenant schema of a database) of a fleet. */
export interface FleetMember {
  /** Shown in reports: the database name, `database/schema`, or the target's own name. */
  name: string;
  /** Connection URL; for a tenant schema it carries `options=-c search_path=…`. */
  url: string;
  /** `url` parsed, once, where the member enters (what the run opens and the guard checks). */
  target: Target;
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
  /** Every database on the configured server whose name matches this glob (`*`: any run of characters; see pattern.ts). */
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
    const { target } = config;
    if (!capabilitiesOf(target).wire) {
      throw new UsageError('--all-databases needs a database server (a postgres:// URL): the embedded database is one database', {}, 'fleet_embedded');
    }
    assertGlob(selection.allDatabases, '--all-databases', 'usage');
    const name = `all-databases ${selection.allDatabases}`;
    return { name, members: await databasesMatching(withDatabaseName(config.url!, target.database), selection.allDatabases) };
  }
  const declared = config.fleets;
  const fleet = declared[selection.fleet!];
  if (fleet === undefined) {
    throw new UsageError(`no fleet named "${selection.fleet}" in ${config.configFile ? path.relative(config.cwd, config.configFile) : 'the config (there is no config file)'}`, {
      hint: declaredHint(config),
    }, 'fleet_unknown');
  }
  const named = new Set<FleetMember>();
  const members = await membersOf(selection.fleet!, fleet, config, named);
  await assertDistinctMembers(selection.fleet!, members, config.cwd);
  return { name: selection.fleet!, members: uniqueNames(selection.fleet!, members, named) };
}

/**
 * Two databases may share a name on two servers (`app` on eu-1 and on eu-2): those shown by their
 * database name are then shown with their server too (`eu-1:5432/app`). Two given the same `name`
 * by the config are refused: the report could not tell them apart.
 */
function uniqueNames(fleetName: string, members: FleetMember[], named: Set<FleetMember>): FleetMember[] {
  const count = new Map<string, number>();
  for (const m of members) count.set(m.name, (count.get(m.name) ?? 0) + 1);
  const clash = members.find((m) => count.get(m.name)! > 1 && named.has(m));
  if (clash) {
    throw new ConfigError(`fleet "${fleetName}" gives the name "${clash.name}" to two databases`, { hint: 'give each target its own name', data: { fleet: fleetName, member: clash.name } }, 'fleet_duplicate');
  }
  const renamed = members.map((m) => (count.get(m.name)! > 1 ? { ...m, name: `${m.server}/${m.name}` } : m));
  const again = new Set<string>();
  for (const m of renamed) {
    if (again.has(m.name)) throw new ConfigError(`fleet "${fleetName}" has two databases shown as "${m.name}"`, { hint: 'give each target its own name', data: { fleet: fleetName, member: m.name } }, 'fleet_duplicate');
    again.add(m.name);
  }
  return renamed;
}

function declaredHint(config: ResolvedConfig): string {
  const names = Object.keys(config.fleets);
  return names.length ? `declared fleets: ${names.join(', ')}` : 'declare fleets in dbctl.config.ts: fleets: { tenants: { server: "postgres://…", databases: "tenant_*" } }';
}

async function membersOf(name: string, fleet: FleetConfig, config: ResolvedConfig, named: Set<FleetMember>): Promise<FleetMember[]> {
  const where = `fleets.${name}`;
  if (typeof fleet === 'function') return fromTargets(await callFleetFunction(where, fleet, config), where, config, named);
  if (Array.isArray(fleet)) return fromTargets(fleet, where, config, named);
  if ('server' in fleet) {
    assertGlob(fleet.databases, `${where}.databases`, 'config');
    if (fleet.exclude !== undefined) assertGlob(fleet.exclude, `${where}.exclude`, 'config');
    return databasesMatching(fleet.server, fleet.databases, fleet.exclude);
  }
  if ('schemas' in fleet) {
    assertGlob(fleet.schemas, `${where}.schemas`, 'config');
    if (fleet.exclude !== undefined) assertGlob(fleet.exclude, `${where}.exclude`, 'config');
    return schemasMatching(fleet.url, fleet.schemas, fleet.exclude, fleet.searchPath ?? []);
  }
  const file = path.resolve(config.cwd, fleet.module);
  return fromTargets(await loadFleetModule(where, file, config), `${where} (${path.relative(config.cwd, file)})`, config, named);
}

/**
 * Calls the user's fleet function (in the config, or a module's default export): whatever it
 * throws or rejects with is a mistake in the configuration, named with the fleet, not a dbctl bug.
 */
async function callFleetFunction(where: string, fn: (c: { env: string }) => unknown, config: ResolvedConfig): Promise<unknown> {
  try {
    return await fn({ env: config.env });
  } catch (error) {
    if (isDbctlError(error)) throw error;
    const message = String((error as Error)?.message ?? error).split('\n')[0];
    throw new ConfigError(`${where}: the fleet function failed: ${redact(message)}`, { cause: error, hint: 'fix the function that lists the fleet (it runs when the fleet is selected)' }, 'fleet_module');
  }
}

/** A fleet module: its default export is the list, or a function (maybe async) returning it. */
async function loadFleetModule(where: string, file: string, config: ResolvedConfig): Promise<unknown> {
  const { loadUserFile } = await import('../loader.js');
  const mod = await loadUserFile(file, {
    cwd: config.cwd,
    fail: (failure, cause) => new ConfigError(`${failure.where}: cannot load the fleet module: ${failure.reason}`, { cause, failureReport: failure.excerpt }, 'fleet_module'),
  });
  const targets = typeof mod === 'function' ? await callFleetFunction(`${where} (${path.relative(config.cwd, file)})`, mod as (c: { env: string }) => unknown, config) : mod;
  if (!Array.isArray(targets)) {
    throw new ConfigError(`${path.relative(config.cwd, file)}: the fleet module must export (as default) a list of targets or a function returning one`, {}, 'fleet_module');
  }
  return targets;
}

/** `where` names the fleet (`fleets.tenants`) in every message. Members given a `name` go into `named`. */
function fromTargets(targets: unknown, where: string, config: ResolvedConfig, named: Set<FleetMember>): FleetMember[] {
  if (!Array.isArray(targets)) throw new ConfigError(`${where}: a fleet function must return a list of targets (URLs or { url, schema?, name? })`, {}, 'fleet_module');
  return (targets as unknown[]).map((t, i) => {
    if (typeof t !== 'string' && (t === null || typeof t !== 'object')) {
      throw new ConfigError(`${where}: target ${i + 1} must be a URL or { url, schema?, name? }, got ${t === null ? 'null' : typeof t}`, {}, 'fleet_target');
    }
    const { url, schema, name } = (typeof t === 'string' ? { url: t } : t) as { url?: unknown; schema?: unknown; name?: unknown };
    if (typeof url !== 'string' || !url) throw new ConfigError(`${where}: target ${i + 1} has no url`, {}, 'fleet_target');
    if (schema !== undefined && (typeof schema !== 'string' || !schema)) throw new ConfigError(`${where}: target ${i + 1}'s schema must be a non-empty string`, {}, 'fleet_target');
    if (name !== undefined && (typeof name !== 'string' || !name)) throw new ConfigError(`${where}: target ${i + 1}'s name must be a non-empty string`, {}, 'fleet_target');
    registerUrlSecrets(url);
    let target;
    try {
      target = parseTarget(url, config.cwd);
    } catch (error) {
      if (!isDbctlError(error)) throw error;
      throw new ConfigError(`${where}: target ${i + 1}: ${error.message}`, { hint: error.hint }, 'fleet_target');
    }
    const base = defaultNameOf(target);
    const m = member(url, target, name ?? (schema ? `${base}/${schema}` : base), schema, [], config.cwd);
    if (name !== undefined) named.add(m);
    return m;
  });
}

/** A member on `url`, parsed as `target` (a tenant schema of it when `schema` is set). */
function member(url: string, target: Target, name: string, schema: string | undefined, searchPath: string[], cwd: string): FleetMember {
  const database = schema ? url : '';
  const memberUrl = schema ? withSearchPath(url, [schema, ...searchPath]) : url;
  return { name, url: memberUrl, target: schema ? parseTarget(memberUrl, cwd) : target, schema, server: hostLabel(target), lane: database || url };
}

/** Every database on `serverUrl`'s server whose name matches the glob `pattern` (and not `exclude`), connectable, by name. */
async function databasesMatching(serverUrl: string, pattern: string, exclude?: string): Promise<FleetMember[]> {
  registerUrlSecrets(serverUrl);
  const target = parseTarget(serverUrl, process.cwd(), { server: true });
  if (!capabilitiesOf(target).wire) throw new ConfigError('a { server, databases } fleet needs a postgres:// server URL', {}, 'fleet_target');
  const names = await withServerClient(serverUrl, async (c) =>
    (await c.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 and ($2::text is null or datname not like $2) and datallowconn and not datistemplate order by datname collate "C"`,
      [likeOfGlob(pattern), exclude === undefined ? null : likeOfGlob(exclude)],
    )).rows.map((r) => r.datname),
  );
  return names.map((name) => {
    const url = withDatabaseName(serverUrl, name);
    return member(url, parseTarget(url, process.cwd()), name, undefined, [], process.cwd());
  });
}

/** Every schema of the database at `url` whose name matches the glob `pattern` (and not `exclude`), by name. */
async function schemasMatching(url: string, pattern: string, exclude: string | undefined, searchPath: string[]): Promise<FleetMember[]> {
  registerUrlSecrets(url);
  const target = parseTarget(url, process.cwd());
  if (!capabilitiesOf(target).wire) throw new ConfigError('a { url, schemas } fleet needs a postgres:// URL', {}, 'fleet_target');
  const schemas = await withServerClient(url, async (c) =>
    (await c.query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname like $1 and ($2::text is null or nspname not like $2) and nspname not like 'pg\\_%' and nspname <> 'information_schema' order by nspname collate "C"`,
      [likeOfGlob(pattern), exclude === undefined ? null : likeOfGlob(exclude)],
    )).rows.map((r) => r.nspname),
  );
  return schemas.map((schema) => member(url, target, `${target.database}/${schema}`, schema, searchPath, process.cwd()));
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

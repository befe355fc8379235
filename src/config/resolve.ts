import path from 'node:path';
import { DEFAULT_BOOKKEEPING } from '../catalog/bookkeeping.js';
import { ConfigError, UsageError } from '../errors.js';
import { parseTarget, type Target } from '../driver/target.js';
import { redactUrl, registerUrlSecrets } from '../secrets.js';
import type { DbctlConfig, Duration, EnvironmentConfig, FleetConfig, LintConfig, CopyConfig } from './define.js';
import { parseDuration } from './duration.js';
import { readEnvFiles, type EnvFiles } from './env-files.js';
import { loadConfigFile } from './load.js';

/** Options given on the command line (or by a library caller); they win over everything else. */
export interface ConfigOverrides {
  cwd?: string;
  configFile?: string;
  env?: string;
  url?: string;
  migrationsDir?: string;
  connectTimeout?: Duration;
  lockTimeout?: Duration;
  ddlLockTimeout?: Duration;
  statementTimeout?: Duration;
  allowUnordered?: boolean;
  /** Environment variables to read instead of process.env (tests). */
  environ?: Record<string, string | undefined>;
  /**
   * False for commands that never open a database (`migrate new`, `seed new`, `init`): an
   * environment without a usable URL is then not an error.
   */
  database?: boolean;
}

/** Where the URL came from: --url, the environment's own url, DATABASE_URL, the config's top-level url, or none. */
export type Source = 'flag' | 'environment' | 'env' | 'config' | 'default';

export interface ResolvedConfig {
  cwd: string;
  configFile: string | null;
  env: string;
  envSource: 'flag' | 'DBCTL_ENV' | 'NODE_ENV' | 'default';
  url: string | undefined;
  urlSource: Source;
  /** The same in words, for messages: `--url`, `environments.test.url`, `DATABASE_URL (.env.test)`, … */
  urlOrigin: string;
  /**
   * `url` parsed: where the database lives (a server, or an embedded directory). Change `url`
   * with withUrl(), which parses again. Reading it throws the URL's UsageError when the URL is
   * invalid and the command opens no database (`database: false`).
   */
  target: Target;
  protected: boolean;
  productionHosts: string[];
  /**
   * The databases of the other protected environments the config names by URL, so a URL given by
   * hand (`--url "$PROD_URL"` under `development`) that reaches one of them is still guarded.
   */
  protectedDatabases: ProtectedDatabase[];
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  ddlLockTimeoutMs: number;
  poolSize: number;
  migrations: {
    dir: string;
    schema: string;
    table: string;
    lockTable: string;
    historyTable: string;
    allowUnordered: boolean;
    template?: string;
    sqlTemplate?: string;
  };
  seeds: { dir: string; seed: number; scale: number };
  fixtures: { dir: string };
  typegen: Required<Pick<NonNullable<DbctlConfig['typegen']>, 'out' | 'vectorType' | 'afterMigrate'>> & NonNullable<DbctlConfig['typegen']>;
  backups: { dir: string; pgDump: string; pgRestore: string; psql: string };
  testdb: { prefix: string };
  /** Schemas `dbctl reset` empties (the migrations schema first) and tables it always keeps. */
  reset: { schemas: string[]; keep: string[] };
  /** The production server's Postgres major (`postgres.version`); unset: not checked. */
  postgres: { version?: number };
  /** `dbctl schema dump`'s file (absolute). */
  /** `out`: where `schema dump` writes (absolute); `dir`: the desired schema `migrate diff` reads, as written. */
  schema: { out: string; dir: string };
  /** `dbctl migrate lint`'s rule levels as written (checked when lint runs), and its large-table threshold (unset: lint's default). */
  lint: { rules: NonNullable<LintConfig['rules']>; largeTableRows?: number };
  /** The fleets the config names, as written (`dbctl fleet --fleet NAME`). */
  fleets: Record<string, FleetConfig>;
  /** `dbctl db copy`'s subset and masking rules, as written (docs/staging-from-production.md). */
  copy: CopyConfig;
  /** What placeholders in SQL migrations read: the environment (process, then .env files) and the config's values. */
  placeholders: { env: Record<string, string | undefined>; config: Record<string, unknown> };
}

/**
 * Environments protected without being declared so: `production`, and any name starting with
 * `prod` (`prod`, `prd`, a mistyped `prodution`), so a typo never turns the guard off.
 */
export const DEFAULT_PROTECTED = ['production'];
const PRODUCTION_LIKE = /^(prod|prd)/i;
/** Names dbctl itself uses; always accepted, declared or not. */
const BUILTIN_ENVIRONMENTS = ['development', 'test', 'production'];

/**
 * Resolves once, in this order. Environment: --env > DBCTL_ENV > NODE_ENV > `development`.
 * Database URL: --url > the environment's own `url` > DATABASE_URL (process environment, then
 * `.env.<env>.local`, `.env.<env>`, `.env.local`, `.env`) > the config's top-level `url` > the
 * embedded database. Other settings: flags > environment variables > config file > defaults.
 */
export async function resolveConfig(overrides: ConfigOverrides = {}): Promise<ResolvedConfig> {
  refuseBlankOverrides(overrides);
  const start = path.resolve(overrides.cwd ?? process.cwd());
  const processEnv = definedOnly(overrides.environ ?? process.env);
  const loadTimeoutMs = parseDuration(variable(processEnv, {}, 'DBCTL_CONFIG_TIMEOUT') ?? 60_000, 'DBCTL_CONFIG_TIMEOUT');
  const { file, config, root: cwd } = await loadConfigFile(start, overrides.configFile ?? variable(processEnv, {}, 'DBCTL_CONFIG'), loadTimeoutMs);
  const shown = file ? path.relative(start, file) || file : 'the config';

  // The environment name may itself come from `.env` / `.env.local`; its own files are read after.
  const base = readEnvFiles(cwd, undefined, processEnv);
  const pick = (key: string) => variable(processEnv, base, key);
  const { env, envSource } = chooseEnvironment(overrides, pick, config, shown);
  const envConfig: EnvironmentConfig = config.environments?.[env] ?? {};
  const isProtected = envConfig.protected ?? (DEFAULT_PROTECTED.includes(env) || PRODUCTION_LIKE.test(env));

  const files = readEnvFiles(cwd, env, processEnv);
  const environ = { ...files.values, ...processEnv };
  /** A variable's value; one that is set but empty is refused, never read as not set. */
  const read = (key: string) => variable(processEnv, files, key);
  for (const e of Object.values(config.environments ?? {})) registerUrlSecrets(e.url);
  registerUrlSecrets(config.url);
  registerUrlSecrets(environ.DATABASE_URL);
  const { url, urlSource, urlOrigin } = chooseUrl({ overrides, envConfig, env, read, files, processEnv, config, shown });
  if (url === undefined && isProtected && overrides.database !== false) {
    throw new ConfigError(`environment "${env}" is protected and names no database: refusing to fall back to the embedded database`, {
      hint: `set environments.${env}.url in ${shown} or DATABASE_URL, or pass --url`,
      data: { env },
    }, 'env_no_url');
  }

  const resolved: Omit<ResolvedConfig, 'target'> = {
    cwd,
    configFile: file,
    env,
    envSource,
    url,
    urlSource,
    urlOrigin,
    protected: isProtected,
    productionHosts: config.productionHosts ?? [],
    protectedDatabases: protectedDatabasesOf(config, env, cwd),
    ...timeoutsOf({ overrides, envConfig, env, read, config, shown }),
    ...sectionsOf({ overrides, envConfig, read, config, cwd, environ }),
  };
  return withTarget(resolved);
}

/** What a protected environment's database is, for the guard of a run under another environment. */
export interface ProtectedDatabase {
  env: string;
  target: Target;
}

/** The declared protected environments, other than `env`, whose `url` parses; one that does not is its own run's error. */
function protectedDatabasesOf(config: DbctlConfig, env: string, cwd: string): ProtectedDatabase[] {
  return Object.entries(config.environments ?? {}).flatMap(([name, e]) => {
    const isProtected = e.protected ?? (DEFAULT_PROTECTED.includes(name) || PRODUCTION_LIKE.test(name));
    if (name === env || !isProtected || typeof e.url !== 'string' || !e.url.trim()) return [];
    try {
      return [{ env: name, target: parseTarget(e.url, cwd) }];
    } catch {
      return [];
    }
  });
}

/** The environment's name: --env > DBCTL_ENV > NODE_ENV > `development`; one the config does not declare is refused. */
function chooseEnvironment(overrides: ConfigOverrides, pick: (key: string) => string | undefined, config: DbctlConfig, shown: string): Pick<ResolvedConfig, 'env' | 'envSource'> {
  const [env, envSource] = overrides.env
    ? [overrides.env, 'flag' as const]
    : pick('DBCTL_ENV')
      ? [pick('DBCTL_ENV')!, 'DBCTL_ENV' as const]
      : pick('NODE_ENV')
        ? [pick('NODE_ENV')!, 'NODE_ENV' as const]
        : ['development', 'default' as const];
  if (!/^[A-Za-z0-9_-]+$/.test(env)) throw new ConfigError(`invalid environment name "${env}" (from ${envSource === 'flag' ? '--env' : envSource})`, {}, 'env_invalid');
  const declared = Object.keys(config.environments ?? {});
  if (declared.length && !declared.includes(env) && !BUILTIN_ENVIRONMENTS.includes(env)) {
    throw new ConfigError(`unknown environment "${env}" (from ${envSource === 'flag' ? '--env' : envSource}): ${shown} does not declare it`, {
      hint: `declared environments: ${declared.join(', ')}`,
      data: { env, declared },
    }, 'env_unknown');
  }
  return { env, envSource };
}

type TimeoutKey = 'connectTimeout' | 'statementTimeout' | 'lockTimeout' | 'ddlLockTimeout';

/** Each timeout from the flag > its variable > the environment > the config > the default; a bad value's error names where it came from. */
function timeoutsOf(i: { overrides: ConfigOverrides; envConfig: EnvironmentConfig; env: string; read: (key: string) => string | undefined; config: DbctlConfig; shown: string }): Pick<ResolvedConfig, 'connectTimeoutMs' | 'statementTimeoutMs' | 'lockTimeoutMs' | 'ddlLockTimeoutMs'> {
  const duration = (name: string, envVar: string, key: TimeoutKey, fallback: number) => {
    const flag = i.overrides[key];
    if (flag !== undefined) return parseDuration(flag, name);
    const fromVar = i.read(envVar);
    if (fromVar !== undefined) return parseDuration(fromVar, envVar);
    if (i.envConfig[key] !== undefined) return parseDuration(i.envConfig[key]!, `${i.shown}: environments.${i.env}.${key}`);
    if (i.config[key] !== undefined) return parseDuration(i.config[key]!, `${i.shown}: ${key}`);
    return fallback;
  };
  return {
    connectTimeoutMs: duration('--connect-timeout', 'DBCTL_CONNECT_TIMEOUT', 'connectTimeout', 10_000),
    statementTimeoutMs: duration('--statement-timeout', 'DBCTL_STATEMENT_TIMEOUT', 'statementTimeout', 0),
    lockTimeoutMs: duration('--lock-timeout', 'DBCTL_LOCK_TIMEOUT', 'lockTimeout', 60_000),
    ddlLockTimeoutMs: duration('--ddl-lock-timeout', 'DBCTL_DDL_LOCK_TIMEOUT', 'ddlLockTimeout', 5_000),
  };
}

type Sections = Omit<ResolvedConfig, 'target' | 'cwd' | 'configFile' | 'env' | 'envSource' | 'url' | 'urlSource' | 'urlOrigin' | 'protected' | 'productionHosts' | 'protectedDatabases' | 'connectTimeoutMs' | 'statementTimeoutMs' | 'lockTimeoutMs' | 'ddlLockTimeoutMs'>;

/** Every capability's section with its defaults, paths made absolute against the project folder. */
function sectionsOf(i: { overrides: ConfigOverrides; envConfig: EnvironmentConfig; read: (key: string) => string | undefined; config: DbctlConfig; cwd: string; environ: Record<string, string | undefined> }): Sections {
  const { overrides, envConfig, read, config } = i;
  const m = config.migrations ?? {};
  const abs = (p: string) => path.resolve(i.cwd, p);
  return {
    poolSize: config.poolSize ?? 4,
    migrations: {
      dir: abs(overrides.migrationsDir ?? read('DBCTL_MIGRATIONS_DIR') ?? m.dir ?? 'migrations'),
      schema: m.schema ?? DEFAULT_BOOKKEEPING.schema,
      table: m.table ?? DEFAULT_BOOKKEEPING.table,
      lockTable: m.lockTable ?? DEFAULT_BOOKKEEPING.lockTable,
      historyTable: m.historyTable ?? DEFAULT_BOOKKEEPING.historyTable,
      allowUnordered: overrides.allowUnordered ?? m.allowUnordered ?? false,
      template: m.template && abs(m.template),
      sqlTemplate: m.sqlTemplate && abs(m.sqlTemplate),
    },
    seeds: { dir: abs(config.seeds?.dir ?? 'seeds'), seed: envConfig.seed ?? config.seeds?.seed ?? 42, scale: envConfig.scale ?? 1 },
    fixtures: { dir: abs(config.fixtures?.dir ?? 'fixtures') },
    typegen: { ...config.typegen, out: abs(config.typegen?.out ?? 'src/db/types.ts'), vectorType: config.typegen?.vectorType ?? 'number[]', afterMigrate: config.typegen?.afterMigrate ?? false },
    backups: {
      dir: abs(config.backups?.dir ?? 'backups'),
      pgDump: config.backups?.pgDump ?? read('PG_DUMP') ?? 'pg_dump',
      pgRestore: config.backups?.pgRestore ?? read('PG_RESTORE') ?? 'pg_restore',
      psql: config.backups?.psql ?? read('PSQL') ?? 'psql',
    },
    testdb: { prefix: config.testdb?.prefix ?? 'dbctl' },
    reset: { schemas: [...new Set([m.schema ?? 'public', ...(config.reset?.schemas ?? [])])], keep: config.reset?.keep ?? [] },
    postgres: { version: config.postgres?.version },
    schema: { out: abs(config.schema?.out ?? 'schema.sql'), dir: config.schema?.dir ?? 'schema' },
    lint: { rules: config.lint?.rules ?? {}, largeTableRows: config.lint?.largeTableRows },
    fleets: config.fleets ?? {},
    copy: config.copy ?? {},
    placeholders: { env: i.environ, config: mergeValues(config.placeholders ?? {}, envConfig.placeholders ?? {}) },
  };
}

/** `over` merged into `base`, objects key by key. */
function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const was = out[key];
    out[key] = value && typeof value === 'object' && was && typeof was === 'object' ? mergeValues(was as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}

/** The same config pointed at another database (a fleet member, a template being built): `target` parsed again. */
export function withUrl(config: ResolvedConfig, url: string | undefined): ResolvedConfig {
  const rest = withoutKeys(config, ['target']) as Omit<ResolvedConfig, 'target'>;
  return withTarget({ ...rest, url });
}

/** `config` pointed at `target`, already parsed (a fleet member): not parsed again. */
export function withParsedTarget(config: ResolvedConfig, target: Target): ResolvedConfig {
  return { ...(withoutKeys(config, ['target']) as Omit<ResolvedConfig, 'target'>), url: target.url, target };
}

function withTarget(config: Omit<ResolvedConfig, 'target'>): ResolvedConfig {
  let target: Target;
  try {
    target = parseTarget(config.url, config.cwd);
  } catch (error) {
    // An invalid URL is the error of whoever reads the target (opens the database), as before
    // the config carried it: a command that opens no database never sees it. Enumerable, so a
    // copy (`{ ...config, typegen }`) throws the URL's error too instead of losing the target.
    return Object.defineProperty({ ...config } as ResolvedConfig, 'target', { enumerable: true, get: () => { throw error; } });
  }
  return { ...config, target };
}

/** `config` without `keys`, never reading them (an invalid URL's `target` throws when read). */
function withoutKeys(config: object, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.keys(config).filter((key) => !keys.includes(key)).map((key) => [key, (config as Record<string, unknown>)[key]]));
}

interface UrlInputs {
  overrides: ConfigOverrides;
  envConfig: EnvironmentConfig;
  env: string;
  read: (key: string) => string | undefined;
  processEnv: Record<string, string>;
  files: { values: Record<string, string>; origin: Record<string, string> };
  config: DbctlConfig;
  shown: string;
}

/**
 * The first place that names a database wins. A place that is there but empty (a url read from a
 * variable that is not set, `DATABASE_URL=""`, `DATABASE_URL=` in `.env.local`) is an error, never
 * "not given": falling through to the next place would act on a database nobody named.
 */
function chooseUrl(i: UrlInputs): { url: string | undefined; urlSource: Source; urlOrigin: string } {
  if (i.overrides.url !== undefined) return { url: i.overrides.url, urlSource: 'flag', urlOrigin: '--url' };
  // A command that opens no database reads no URL: an empty one is not its problem.
  const opens = i.overrides.database !== false;
  if (declaresBlank(i.envConfig, 'url') && opens) {
    throw new ConfigError(`environment "${i.env}" declares an empty database URL (environments.${i.env}.url in ${i.shown}): is the variable it reads unset?`, {
      hint: `set it, or pass --url`,
      data: { env: i.env },
    }, 'env_url_empty');
  }
  if (i.envConfig.url?.trim()) return { url: i.envConfig.url, urlSource: 'environment', urlOrigin: `environments.${i.env}.url` };
  const fromEnv = opens ? i.read('DATABASE_URL') : i.processEnv.DATABASE_URL ?? (i.files.values.DATABASE_URL?.trim() || undefined);
  if (fromEnv) {
    const from = i.processEnv.DATABASE_URL !== undefined ? 'DATABASE_URL' : `DATABASE_URL in ${i.files.origin.DATABASE_URL}`;
    return { url: fromEnv, urlSource: 'env', urlOrigin: from };
  }
  if (declaresBlank(i.config, 'url') && opens) {
    throw new ConfigError(`${i.shown} declares an empty database URL (its top-level url): is the variable it reads unset?`, {
      hint: 'set it, remove the url to use the embedded database, or pass --url',
    }, 'env_url_empty');
  }
  if (i.config.url?.trim()) return { url: i.config.url, urlSource: 'config', urlOrigin: `url in ${i.shown}` };
  return { url: undefined, urlSource: 'default', urlOrigin: 'the embedded default' };
}

/** `object` has `key`, and it holds nothing: `url: process.env.X` with X unset, or `''`. */
function declaresBlank(object: object, key: string): boolean {
  if (!Object.prototype.hasOwnProperty.call(object, key)) return false;
  const value = (object as Record<string, unknown>)[key];
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * `key` from the process environment, else the environment files. Set but empty (or only
 * whitespace) is refused: `DBCTL_ENV="$DEPLOY_ENV"` with the variable unset must not run as
 * `development`, nor `DATABASE_URL=""` on the embedded database or the one `.env` names.
 */
function variable(processEnv: Record<string, string>, files: Partial<EnvFiles>, key: string): string | undefined {
  const inProcess = processEnv[key] !== undefined;
  const value = inProcess ? processEnv[key] : files.values?.[key];
  if (value === undefined || value.trim() !== '') return value;
  const where = inProcess ? 'in the environment' : `in ${files.origin?.[key]}`;
  throw new ConfigError(`${key} is set but empty (${where}): refusing to treat it as not set`, {
    hint: `give ${key} a value, or unset it`,
    data: { variable: key },
  }, 'env_var_empty');
}

/** What a caller passes is what it means: an empty --url, --env or --config is not "none". */
function refuseBlankOverrides(overrides: ConfigOverrides): void {
  const names: Array<[keyof ConfigOverrides, string]> = [['url', '--url'], ['env', '--env'], ['configFile', '--config'], ['migrationsDir', 'migrationsDir'], ['cwd', '--cwd']];
  for (const [key, name] of names) {
    const value = overrides[key];
    if (typeof value === 'string' && value.trim() === '') throw new UsageError(`${name} is empty: is the variable meant to set it unset?`, { data: { option: name } });
  }
}

/** The resolved configuration as shown by `dbctl config`: passwords redacted. */
export function publicConfig(config: ResolvedConfig): Record<string, unknown> {
  const rest = withoutKeys(config, ['raw', 'target']);
  // The environment placeholders read is the process's own: not configuration to print.
  return { ...rest, placeholders: { config: config.placeholders.config }, url: config.url === undefined ? '(embedded PGlite at .dbctl/pglite)' : redactUrl(config.url) };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

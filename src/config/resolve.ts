import path from 'node:path';
import { ConfigError } from '../errors.js';
import { redact } from '../driver/url.js';
import type { DbctlConfig, Duration, EnvironmentConfig } from './define.js';
import { parseDuration } from './duration.js';
import { loadConfigFile, readDotenv } from './load.js';

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
}

export type Source = 'flag' | 'env' | 'config' | 'default';

export interface ResolvedConfig {
  cwd: string;
  configFile: string | null;
  env: string;
  envSource: 'flag' | 'DBCTL_ENV' | 'NODE_ENV' | 'default';
  url: string | undefined;
  urlSource: Source;
  protected: boolean;
  productionHosts: string[];
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
  /** The raw file contents, for capabilities that read their own keys. */
  raw: DbctlConfig;
}

export const DEFAULT_PROTECTED = ['production'];

/** Flags > environment variables (.env included) > config file > defaults. */
export async function resolveConfig(overrides: ConfigOverrides = {}): Promise<ResolvedConfig> {
  const cwd = path.resolve(overrides.cwd ?? process.cwd());
  const environ = { ...readDotenv(cwd), ...definedOnly(overrides.environ ?? process.env) };
  const { file, config } = await loadConfigFile(cwd, overrides.configFile ?? environ.DBCTL_CONFIG);

  const [env, envSource] = overrides.env
    ? [overrides.env, 'flag' as const]
    : environ.DBCTL_ENV
      ? [environ.DBCTL_ENV, 'DBCTL_ENV' as const]
      : environ.NODE_ENV
        ? [environ.NODE_ENV, 'NODE_ENV' as const]
        : ['development', 'default' as const];
  if (!/^[A-Za-z0-9_-]+$/.test(env)) throw new ConfigError(`invalid environment name "${env}"`);
  const envConfig: EnvironmentConfig = config.environments?.[env] ?? {};

  const [url, urlSource] = overrides.url
    ? [overrides.url, 'flag' as const]
    : environ.DATABASE_URL
      ? [environ.DATABASE_URL, 'env' as const]
      : envConfig.url ?? config.url
        ? [envConfig.url ?? config.url, 'config' as const]
        : [undefined, 'default' as const];

  const duration = (name: string, flag: Duration | undefined, envVar: string, fromFile: Duration | undefined, fallback: number) =>
    parseDuration(flag ?? environ[envVar] ?? fromFile ?? fallback, name);

  const m = config.migrations ?? {};
  const abs = (p: string) => path.resolve(cwd, p);
  return {
    cwd,
    configFile: file,
    env,
    envSource,
    url,
    urlSource,
    protected: envConfig.protected ?? DEFAULT_PROTECTED.includes(env),
    productionHosts: config.productionHosts ?? [],
    connectTimeoutMs: duration('--connect-timeout', overrides.connectTimeout, 'DBCTL_CONNECT_TIMEOUT', envConfig.connectTimeout ?? config.connectTimeout, 10_000),
    statementTimeoutMs: duration('--statement-timeout', overrides.statementTimeout, 'DBCTL_STATEMENT_TIMEOUT', envConfig.statementTimeout ?? config.statementTimeout, 0),
    lockTimeoutMs: duration('--lock-timeout', overrides.lockTimeout, 'DBCTL_LOCK_TIMEOUT', envConfig.lockTimeout ?? config.lockTimeout, 60_000),
    ddlLockTimeoutMs: duration('--ddl-lock-timeout', overrides.ddlLockTimeout, 'DBCTL_DDL_LOCK_TIMEOUT', envConfig.ddlLockTimeout ?? config.ddlLockTimeout, 5_000),
    poolSize: config.poolSize ?? 4,
    migrations: {
      dir: abs(overrides.migrationsDir ?? environ.DBCTL_MIGRATIONS_DIR ?? m.dir ?? 'migrations'),
      schema: m.schema ?? 'public',
      table: m.table ?? 'kysely_migration',
      lockTable: m.lockTable ?? 'kysely_migration_lock',
      historyTable: m.historyTable ?? 'dbctl_migration',
      allowUnordered: overrides.allowUnordered ?? m.allowUnordered ?? false,
      template: m.template && abs(m.template),
      sqlTemplate: m.sqlTemplate && abs(m.sqlTemplate),
    },
    seeds: { dir: abs(config.seeds?.dir ?? 'seeds'), seed: envConfig.seed ?? config.seeds?.seed ?? 42, scale: envConfig.scale ?? 1 },
    fixtures: { dir: abs(config.fixtures?.dir ?? 'fixtures') },
    typegen: { ...config.typegen, out: abs(config.typegen?.out ?? 'src/db/types.ts'), vectorType: config.typegen?.vectorType ?? 'number[]', afterMigrate: config.typegen?.afterMigrate ?? false },
    backups: {
      dir: abs(config.backups?.dir ?? 'backups'),
      pgDump: config.backups?.pgDump ?? environ.PG_DUMP ?? 'pg_dump',
      pgRestore: config.backups?.pgRestore ?? environ.PG_RESTORE ?? 'pg_restore',
      psql: config.backups?.psql ?? environ.PSQL ?? 'psql',
    },
    testdb: { prefix: config.testdb?.prefix ?? 'dbctl' },
    reset: { schemas: [...new Set([m.schema ?? 'public', ...(config.reset?.schemas ?? [])])], keep: config.reset?.keep ?? [] },
    raw: config,
  };
}

/** The resolved configuration as shown by `dbctl config`: passwords redacted. */
export function publicConfig(config: ResolvedConfig): Record<string, unknown> {
  const { raw: _raw, ...rest } = config;
  return { ...rest, url: config.url === undefined ? '(embedded PGlite at .dbctl/pglite)' : redact(config.url) };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/** The shape of `dbctl.config.ts`. Every field is optional; defaults are in resolve.ts. */

import type { CopyConfig } from './copy.js';

export type { CopyConfig, CopySubsetConfig, MaskRule, MaskFunction, MaskHelpers, SubsetStart, VirtualForeignKey, BuiltinMasker, OutsideAction } from './copy.js';

export type Duration = number | string;

export interface EnvironmentConfig {
  /** Database URL for this environment (postgres://…, pglite://DIR, pglite://memory). */
  url?: string;
  /** Destructive commands refuse here unless forced and confirmed. Default: true for production. */
  protected?: boolean;
  connectTimeout?: Duration;
  statementTimeout?: Duration;
  lockTimeout?: Duration;
  ddlLockTimeout?: Duration;
  /** Faker seed for `dbctl seed` in this environment. */
  seed?: number;
  /** Default `--scale` for seeds in this environment. */
  scale?: number;
  /** Values for `${config:path}` in SQL migrations, merged over the top-level `placeholders`. */
  placeholders?: Record<string, unknown>;
}

export interface MigrationsConfig {
  /** Folder of migration files. Default `migrations`. */
  dir?: string;
  /** Schema of the bookkeeping tables. Default `public`. */
  schema?: string;
  /** Kysely's migration table. Default `kysely_migration`. */
  table?: string;
  /** Kysely's lock table. Default `kysely_migration_lock`. */
  lockTable?: string;
  /** dbctl's own per-migration facts (checksum, duration, batch…). Default `dbctl_migration`. */
  historyTable?: string;
  /** Allow applying a file that sorts before an already applied one. Default false. */
  allowUnordered?: boolean;
  /** Template file for `migrate new` (TS/JS), relative to the project. */
  template?: string;
  /** Template file for `migrate new --sql`. */
  sqlTemplate?: string;
}

export interface TypegenConfig {
  /** Output file. Default `src/db/types.ts`. */
  out?: string;
  camelCase?: boolean;
  includePattern?: string;
  excludePattern?: string;
  schemas?: string[];
  runtimeEnums?: boolean;
  /** TypeScript type for pgvector columns. Default `number[]`. */
  vectorType?: string;
  /** Regenerate after every successful `migrate up`. Default false. */
  afterMigrate?: boolean;
}

/** `dbctl migrate lint`: per-project rule levels (squawk's rules and dbctl's own). */
export interface LintConfig {
  /** e.g. `{ 'prefer-bigint-over-int': 'off', 'renaming-column': 'error' }`. */
  rules?: Record<string, 'off' | 'warn' | 'error'>;
  /** A table holding at least this many rows is large for dbctl's large-table rules. Default 100 000. */
  largeTableRows?: number;
}

/** One database of a fleet: a URL, or a URL with a schema (schema per tenant) and a display name. */
export type FleetTarget = string | { url: string; schema?: string; name?: string };

/**
 * A fleet for `dbctl fleet …` (see docs/fleets.md). One of:
 * - a list of database URLs (or FleetTargets);
 * - `{ server, databases }`: every database on the server whose name matches a glob pattern
 *   (`'tenant_*'`: `*` matches any run, `_` is literal; `exclude`: a pattern to leave out);
 * - `{ url, schemas }`: every schema of one database matching a glob pattern (schema per tenant:
 *   migrations run with `search_path` = the schema, then `searchPath`, and keep their bookkeeping in it);
 * - `{ module }`: a TS/JS file whose default export (a function, maybe async) returns the targets,
 *   e.g. read from a control-plane table; or such a function itself.
 */
export type FleetConfig =
  | FleetTarget[]
  | { server: string; databases: string; exclude?: string }
  | { url: string; schemas: string; exclude?: string; searchPath?: string[] }
  | { module: string }
  | ((context: { env: string }) => FleetTarget[] | Promise<FleetTarget[]>);

export interface DbctlConfig {
  /** URL used when no environment overrides it. */
  url?: string;
  migrations?: MigrationsConfig;
  seeds?: { dir?: string; seed?: number };
  fixtures?: { dir?: string };
  typegen?: TypegenConfig;
  backups?: { dir?: string; pgDump?: string; pgRestore?: string; psql?: string };
  testdb?: { prefix?: string };
  /**
   * `dbctl schema dump`: the committed schema file (`out`, default `schema.sql`). `dbctl migrate diff`:
   * the desired schema (`dir`: a folder of .sql files or one file, default `schema/`).
   */
  schema?: { out?: string; dir?: string };
  lint?: LintConfig;
  /** `dbctl reset`: schemas emptied besides the migrations schema, and tables it always keeps. */
  reset?: { schemas?: string[]; keep?: string[] };
  environments?: Record<string, EnvironmentConfig>;
  /** `dbctl db copy`: the subset and the masking rules (docs/staging-from-production.md). */
  copy?: CopyConfig;
  /** Named fleets of databases for `dbctl fleet --fleet NAME …`. */
  fleets?: Record<string, FleetConfig>;
  /** Host patterns (`*` wildcard) that are production whatever the environment says. */
  productionHosts?: string[];
  connectTimeout?: Duration;
  statementTimeout?: Duration;
  /** How long a runner waits for the run lock. Default 60s. */
  lockTimeout?: Duration;
  /** lock_timeout for each migration statement. Default 5s; 0 = off. */
  ddlLockTimeout?: Duration;
  poolSize?: number;
  /**
   * The production server's Postgres major (`{ version: 16 }`). The embedded database is Postgres
   * 18: there, `migrate up` and `migrate lint` refuse what this major would (see docs/migrations.md).
   */
  postgres?: { version?: number };
  /** Values for `${config:path}` in SQL migrations (docs/migrations.md#placeholders); `environments.<env>.placeholders` override them. */
  placeholders?: Record<string, unknown>;
}

/** Identity function that gives `dbctl.config.ts` its types. */
export function defineConfig(config: DbctlConfig): DbctlConfig {
  return config;
}

import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { UsageError } from '../errors.js';
import type { RunReport } from '../migrate/migrator.js';
import { hasSqlstate } from '../sql/sqlstate.js';
import { withThrowawayDatabase } from './throwaway.js';

/**
 * Where `migrate diff` builds its scratch databases: in-process PGlite (no server at all), or
 * throwaway databases on the configured server, for a schema that needs what PGlite lacks
 * (postgis, citus) or when asked (`--scratch server`: the server's own Postgres version normalises
 * the DDL). On the server they are `withThrowawayDatabase`'s: made beside the target, dropped after.
 */
export type ScratchPlace = 'embedded' | 'server';

/** The configured target, when it is a server; a usage error (exit 2) naming what to do when it is not. */
export function assertServerConfigured(config: ResolvedConfig, why: string): void {
  if (config.target.kind === 'pg') return;
  throw new UsageError(`${why}, but no server is configured (the database is the embedded ${config.target.url})`, {
    hint: 'set DATABASE_URL (or url in the config), choose an environment with -e ENV, or pass --url postgres://…',
    data: { target: config.target.url },
  }, 'usage');
}

/** Runs `fn` on a new, empty database on the configured server, dropped after. */
export function withServerScratch<T>(config: ResolvedConfig, fn: (database: Database) => Promise<T>): Promise<T> {
  return withThrowawayDatabase(config, fn);
}

/** Runs `fn` on a new database on the configured server with every migration applied, dropped after. */
export function withServerMigrated<T>(config: ResolvedConfig, fn: (database: Database, report: RunReport) => Promise<T>): Promise<T> {
  return withThrowawayDatabase(config, async (database) => {
    const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
    const report = await new Migrator({ database, ...migratorConfig(config) }).up();
    return fn(database, report);
  });
}

/**
 * The extension a statement failed for because the database does not ship it (`CREATE EXTENSION
 * postgis` on PGlite), if that is why it failed: the one failure a server scratch database fixes.
 */
export function lackedExtension(error: unknown): string | undefined {
  if (!hasSqlstate(error, 'feature_not_supported')) return undefined;
  return /^extension "(.+?)" is not available/.exec((error as { message?: string }).message ?? '')?.[1];
}

/**
 * `withServerScratch` that hands back `fn`'s result as soon as it has it, and drops the database
 * meanwhile: `dropped` settles when it is gone (or with the error that stopped `fn` or the drop).
 * On PostgreSQL 15 DROP DATABASE waits for a checkpoint, which after a 1,000-table schema is seconds
 * of fsync on a slow disk: the caller spends them on its next step instead of waiting.
 */
export function withServerScratchEarly<T>(config: ResolvedConfig, fn: (database: Database) => Promise<T>): { result: Promise<T>; dropped: Promise<void> } {
  let settle!: { resolve: (value: T) => void; reject: (error: unknown) => void };
  const result = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  const dropped = withServerScratch(config, async (database) => {
    const value = await fn(database);
    settle.resolve(value);
  }).catch((error: unknown) => {
    settle.reject(error); // no-op when the result was already handed back
    throw error;
  });
  return { result, dropped };
}

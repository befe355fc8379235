import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { withDatabaseFor } from '../driver/open-for.js';
import { parseTarget, type Target } from '../driver/target.js';
import type { RunReport } from '../migrate/migrator.js';

/**
 * Runs `fn` on a throwaway embedded database with every migration applied. No server is needed,
 * so CI can generate or check types anywhere. The database lives in memory, unpacked from the
 * prepared PGlite image (pglite/image.ts) instead of a fresh initdb (~10 s of CPU): on a data
 * directory every relation file is an Emscripten file-system call, which at 1,000 tables cost
 * minutes (docs/benchmarks.md, migrate diff); it is gone with the process.
 */
export async function withMigratedDatabase<T>(config: ResolvedConfig, fn: (database: Database, report: RunReport) => Promise<T>): Promise<T> {
  return withDatabaseFor(config, 'typegen', async (database) => {
    const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
    const report = await new Migrator({ database, ...migratorConfig(config) }).up();
    return fn(database, report);
  }, { target: scratchInMemory(config.cwd) });
}

/** A new embedded database in memory, for a caller that needs one briefly; gone when closed. */
export function scratchInMemory(cwd: string): Target {
  return parseTarget('pglite://memory', cwd);
}

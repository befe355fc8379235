import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { withDatabaseFor } from '../driver/open-for.js';
import { embeddedHost } from '../driver/pglite/host.js';
import type { Target } from '../driver/target.js';
import type { RunReport } from '../migrate/migrator.js';

/**
 * Runs `fn` on a throwaway embedded database with every migration applied, then deletes it. No
 * server is needed, so CI can generate or check types anywhere. The database starts as a copy of
 * the prepared PGlite image (well under a second) instead of a fresh initdb (~5 s).
 */
export async function withMigratedDatabase<T>(config: ResolvedConfig, fn: (database: Database, report: RunReport) => Promise<T>): Promise<T> {
  const scratch = await scratchEmbedded('dbctl-typegen-');
  try {
    return await withDatabaseFor(config, 'typegen', async (database) => {
      const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
      const report = await new Migrator({ database, ...migratorConfig(config) }).up();
      return fn(database, report);
    }, { target: scratch.target });
  } finally {
    scratch.remove();
  }
}

/**
 * A new embedded database in a folder of its own under the temp directory, for a caller that
 * needs one briefly (types generated from migrations); `remove` deletes folder and all.
 */
export async function scratchEmbedded(prefix: string): Promise<{ target: Target; url: string; dataDir: string; remove(): void }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const remove = () => fs.rmSync(root, { recursive: true, force: true });
  let target: Target;
  try {
    ({ target } = await embeddedHost(root).create('pglite'));
  } catch (error) {
    remove();
    throw error;
  }
  const dataDir = path.join(root, 'pglite');
  return { target, url: target.url, dataDir, remove };
}

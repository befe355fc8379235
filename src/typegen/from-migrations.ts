import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import { openDatabase, type Database } from '../driver/open.js';
import type { RunReport } from '../migrate/migrator.js';
import { copyPgliteBase } from '../driver/pglite-image.js';

/**
 * Runs `fn` on a throwaway embedded database with every migration applied, then deletes it. No
 * server is needed, so CI can generate or check types anywhere. The database starts as a copy of
 * the prepared PGlite image (well under a second) instead of a fresh initdb (~5 s).
 */
export async function withMigratedDatabase<T>(config: ResolvedConfig, fn: (database: Database, report: RunReport) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-typegen-'));
  try {
    const dataDir = path.join(dir, 'pglite');
    await copyPgliteBase(dataDir);
    const database = await openDatabase({ url: `pglite://${dataDir}`, cwd: config.cwd });
    try {
      const { Migrator } = await import('../migrate/migrator.js');
      const report = await new Migrator({ database, config }).up();
      return await fn(database, report);
    } finally {
      await database.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

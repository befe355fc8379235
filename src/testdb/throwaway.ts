import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import { openDatabase, type Database } from '../driver/open.js';
import { copyPgliteBase } from '../driver/pglite-image.js';
import { parseTarget } from '../driver/url.js';
import { cloneName } from './names.js';

/**
 * Runs `fn` on a new, empty database beside the configured one, then drops it: a database on the
 * same server (so the same Postgres version and extensions as the target), or, when the target is
 * embedded, a PGlite directory copied from the prepared base image (well under a second; an
 * in-memory PGlite would run initdb, several seconds). `migrate lint` captures TS migrations' SQL
 * there and `migrate test` runs every up and down there: neither ever touches the target.
 *
 * The `dbctl_tmp` prefix keeps it outside `testdb`'s namespace, as for `createTestDatabase`.
 */
export async function withThrowawayDatabase<T>(config: ResolvedConfig, fn: (database: Database) => Promise<T>): Promise<T> {
  const target = parseTarget(config.url, config.cwd);
  const name = cloneName('dbctl_tmp');
  if (target.kind === 'pg') {
    const { serverHost } = await import('./server.js');
    const host = await serverHost(target, 0);
    try {
      const { url } = await host.clone(name);
      try {
        return await openAndRun(url, config, fn);
      } finally {
        await host.drop(name);
      }
    } finally {
      await host.close();
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-throwaway-'));
  try {
    const dataDir = path.join(dir, name);
    await copyPgliteBase(dataDir);
    return await openAndRun(`pglite://${dataDir}`, config, fn);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function openAndRun<T>(url: string, config: ResolvedConfig, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({ url, cwd: config.cwd, connectTimeoutMs: config.connectTimeoutMs, applicationName: 'dbctl throwaway' });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

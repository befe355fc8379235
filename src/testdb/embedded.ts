import fs from 'node:fs';
import path from 'node:path';
import { waitForDataDirLock } from '../driver/dir-lock.js';
import { isPgliteDir } from '../driver/pglite-dir.js';
import { isDbctlError, LockTimeoutError } from '../errors.js';
import type { TestdbHost } from './host.js';
import { copyPgliteBase } from '../driver/pglite-image.js';

/**
 * Test databases for the embedded backend: each one is a PGlite data directory under `root`.
 * A clone is a plain directory copy of the migrated template directory: measured (README, section
 * testdb) at ~0.3 s for copy + open, against ~0.95 s for PGlite's clone() (a dump and reload in
 * memory) and ~0.56 s for loading a dumped tarball; and a directory has a URL other processes can open.
 */
export function embeddedHost(root: string, lockTimeoutMs: number): TestdbHost {
  const dirOf = (name: string) => path.join(root, name);
  const url = (dir: string) => `pglite://${dir}`;
  return {
    async hasTemplate(name) {
      return isPgliteDir(dirOf(name));
    },
    async withBuildLock(name, fn) {
      const release = await waitForDirLock(`${dirOf(name)}.build`, lockTimeoutMs);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    async buildTemplate(name, fill) {
      // Built aside and renamed into place, so a template directory is always complete.
      const building = `${dirOf(name)}.building-${process.pid}`;
      fs.rmSync(building, { recursive: true, force: true });
      try {
        await copyPgliteBase(building);
        await fill(url(building));
        fs.renameSync(building, dirOf(name));
      } finally {
        fs.rmSync(building, { recursive: true, force: true });
      }
    },
    async clone(name, template) {
      const dir = dirOf(name);
      if (template) {
        fs.mkdirSync(root, { recursive: true });
        fs.cpSync(dirOf(template), dir, { recursive: true });
      } else await copyPgliteBase(dir);
      return { url: url(dir), strategy: template ? 'directory copy' : 'empty' };
    },
    async list() {
      if (!fs.existsSync(root)) return [];
      return fs
        .readdirSync(root, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    },
    async drop(name) {
      fs.rmSync(dirOf(name), { recursive: true, force: true });
      fs.rmSync(`${dirOf(name)}.lock`, { force: true });
    },
    close: async () => {},
  };
}

/** The directory lock, waiting while another live process holds it (a build under way). */
async function waitForDirLock(lockPath: string, timeoutMs: number): Promise<() => void> {
  try {
    return await waitForDataDirLock(lockPath, { timeoutMs });
  } catch (error) {
    if (!isDbctlError(error) || (error.code !== 'lock_timeout' && error.code !== 'database_in_use')) throw error;
    throw new LockTimeoutError(`timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for another process building ${lockPath}`, {
      hint: 'a template build (migrate + seed) is slow or stuck; raise --lock-timeout or stop that process',
      data: error.data,
    });
  }
}

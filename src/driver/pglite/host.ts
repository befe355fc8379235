import fs from 'node:fs';
import path from 'node:path';
import { isDbctlError, LockTimeoutError, RefusedError } from '../../errors.js';
import { dataDirOwner, lockDataDir, waitForDataDirLock } from './dir-lock.js';
import type { Host, Session } from '../host.js';
import { parseTarget, type Target } from '../target.js';
import { inspectPgliteDir, TEMPLATE_MARKER } from './dir.js';
import { copyPgliteBase } from './image.js';

/**
 * Embedded databases: each one a PGlite data directory in `root` (PGlite has one database per
 * directory). A new one is a copy of the initialised base image; a clone is a plain directory copy
 * of the template: measured (docs/testing.md, test databases) at ~0.3 s for copy + open, against ~0.95 s
 * for PGlite's clone() (a dump and reload in memory), and a directory has a URL other processes
 * can open. Only dbctl's own PGlite directories are ever deleted (see inspectPgliteDir), and only
 * while no process has them open.
 */
export function embeddedHost(root: string): Host {
  const dirOf = (name: string) => path.join(root, name);
  const urlOf = (name: string) => parseTarget(`pglite://${dirOf(name)}`, root);
  const exists = async (name: string) => inspectPgliteDir(dirOf(name)).refusal === null;
  return {
    capabilities: { concurrentSessions: false, wire: false, templates: 'directory-copy', dump: 'pglite-tools', standIn: true },
    label: `embedded PGlite in ${root}`,
    urlOf,
    exists,
    create: (name, { template } = {}) => createEmbedded(root, name, template),
    async drop(name) {
      const dir = dirOf(name);
      const before = inspectPgliteDir(dir);
      if (!before.exists) return { dropped: false, disconnected: 0 };
      refuseUnlessOurs(dir, before.refusal);
      const release = lockOrRefuse(dir, 'db drop');
      try {
        // Again under the lock: what was checked is what is deleted.
        refuseUnlessOurs(dir, inspectPgliteDir(dir).refusal);
        fs.rmSync(dir, { recursive: true, force: true });
      } finally {
        release();
      }
      return { dropped: true, disconnected: 0 };
    },
    async list() {
      if (!fs.existsSync(root)) return [];
      return fs
        .readdirSync(root, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith('.')) // hidden: a copy in progress (pglite/image.ts)
        .map((e) => e.name)
        .sort();
    },
    async sessions(name) {
      const holder = dataDirOwner(dirOf(name));
      if (!holder || holder.pid === process.pid) return [];
      const session: Session = { pid: holder.pid, user: null, application: 'dbctl', client: holder.host, state: null, since: holder.since };
      return [session];
    },
    async isTemplate(name) {
      return (await exists(name)) && fs.existsSync(path.join(dirOf(name), TEMPLATE_MARKER));
    },
    async markTemplate(name) {
      fs.writeFileSync(path.join(dirOf(name), TEMPLATE_MARKER), `${JSON.stringify({ template: name, at: new Date().toISOString() })}\n`);
    },
    async withLock(name, timeoutMs, fn) {
      const lockPath = `${dirOf(name)}.build`;
      fs.mkdirSync(root, { recursive: true });
      let release: () => void;
      try {
        release = await waitForDataDirLock(lockPath, { timeoutMs });
      } catch (error) {
        if (!isDbctlError(error) || (error.code !== 'lock_timeout' && error.code !== 'database_in_use')) throw error;
        throw new LockTimeoutError(`timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for another process holding the lock on ${lockPath}`, { data: error.data });
      }
      try {
        return await fn();
      } finally {
        release();
      }
    },
    close: async () => {},
  };
}

/** `db create` of an embedded database: a copy of the template's directory, or of the prepared base image. */
async function createEmbedded(root: string, name: string, template: string | undefined): ReturnType<Host['create']> {
  const dirOf = (n: string) => path.join(root, n);
  const urlOf = (n: string) => parseTarget(`pglite://${dirOf(n)}`, root);
  const dir = dirOf(name);
  const found = inspectPgliteDir(dir);
  if (found.refusal === null) return { target: urlOf(name), created: false, strategy: 'existing' };
  const empty = found.exists && fs.statSync(dir).isDirectory() && fs.readdirSync(dir).length === 0;
  if (found.exists && !empty) {
    throw new RefusedError(`db create refused: ${dir} exists and ${found.refusal}`, {
      hint: 'point pglite:// at an empty or new directory',
      data: { dataDir: dir, reason: found.refusal },
    }, 'not_a_database');
  }
  fs.mkdirSync(root, { recursive: true });
  const release = lockOrRefuse(dir, 'db create');
  try {
    if (template) {
      fs.cpSync(dirOf(template), dir, { recursive: true });
      fs.rmSync(path.join(dir, TEMPLATE_MARKER), { force: true });
    } else {
      await copyPgliteBase(dir);
    }
  } finally {
    release();
  }
  return { target: urlOf(name), created: true, strategy: template ? 'directory copy' : 'empty' };
}

function refuseUnlessOurs(dataDir: string, refusal: string | null): void {
  if (refusal === null) return;
  throw new RefusedError(`db drop refused: ${dataDir} ${refusal}, so it is not removed`, {
    hint: 'check the pglite:// path in --url / DATABASE_URL; dbctl deletes only PGlite directories holding nothing else',
    data: { dataDir, reason: refusal },
  }, 'not_a_database');
}

/** The directory lock; a database open in another process cannot be disconnected from here. */
function lockOrRefuse(dataDir: string, operation: string): () => void {
  try {
    return lockDataDir(dataDir);
  } catch (error) {
    if (!isDbctlError(error) || error.code !== 'database_in_use') throw error;
    throw new RefusedError(`${operation} refused: ${error.message}`, {
      hint: 'stop that process first: an embedded database cannot be disconnected from outside',
      data: error.data,
    }, 'database_in_use');
  }
}

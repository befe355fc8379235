import fs from 'node:fs';
import { lockDataDir } from '../driver/dir-lock.js';
import { inspectPgliteDir } from '../driver/pglite-dir.js';
import { isDbctlError, RefusedError } from '../errors.js';
import { copyPgliteBase } from '../driver/pglite-image.js';

/**
 * Initialises `dataDir` (a copy of the initialised base image; PGlite has one database per
 * directory); false when it already was one.
 */
export async function createEmbedded(dataDir: string): Promise<boolean> {
  const found = inspectPgliteDir(dataDir);
  if (found.refusal === null) return false;
  const empty = found.exists && fs.statSync(dataDir).isDirectory() && fs.readdirSync(dataDir).length === 0;
  if (found.exists && !empty) {
    throw new RefusedError(`db create refused: ${dataDir} exists and ${found.refusal}`, {
      hint: 'point pglite:// at an empty or new directory',
      data: { dataDir, reason: found.refusal },
    }, 'not_a_database');
  }
  const release = lockOrRefuse(dataDir, 'db create');
  try {
    await copyPgliteBase(dataDir);
  } finally {
    release();
  }
  return true;
}

/**
 * Removes the data directory; false when there was none. Only dbctl's own PGlite directory is
 * removed (see inspectPgliteDir: a mistyped `pglite://.` must not delete a project, nor a path
 * that lands on a server's data directory delete its cluster), and only when no process has it open.
 */
export function dropEmbedded(dataDir: string): boolean {
  const before = inspectPgliteDir(dataDir);
  if (!before.exists) return false;
  refuseUnlessOurs(dataDir, before.refusal);
  const release = lockOrRefuse(dataDir, 'db drop');
  try {
    // Again under the lock: what was checked is what is deleted.
    refuseUnlessOurs(dataDir, inspectPgliteDir(dataDir).refusal);
    fs.rmSync(dataDir, { recursive: true, force: true });
  } finally {
    release();
  }
  return true;
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

import fs from 'node:fs';
import path from 'node:path';
import { lockDataDir } from '../driver/dir-lock.js';
import { isDbctlError, RefusedError } from '../errors.js';
import { copyPgliteBase } from '../driver/pglite-image.js';

/** PGlite has one database per directory: creating it is initialising the directory. */
export function isPgliteDir(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

/** Initialises `dataDir` (a copy of the initialised base image); false when it already was one. */
export async function createEmbedded(dataDir: string): Promise<boolean> {
  if (isPgliteDir(dataDir)) return false;
  assertEmptyOrMissing(dataDir);
  const release = lockOrRefuse(dataDir, 'db create');
  try {
    await copyPgliteBase(dataDir);
  } finally {
    release();
  }
  return true;
}

/**
 * Removes the data directory; false when there was none. Only a PGlite directory is removed (a
 * mistyped `pglite://.` must not delete a project), and only when no process has it open.
 */
export function dropEmbedded(dataDir: string): boolean {
  if (!fs.existsSync(dataDir)) return false;
  if (!isPgliteDir(dataDir)) {
    throw new RefusedError(`db drop refused: ${dataDir} is not a PGlite data directory (no PG_VERSION), so it is not removed`, {
      hint: 'check the pglite:// path in --url / DATABASE_URL',
    }, 'not_a_database');
  }
  const release = lockOrRefuse(dataDir, 'db drop');
  try {
    fs.rmSync(dataDir, { recursive: true, force: true });
  } finally {
    release();
  }
  return true;
}

function assertEmptyOrMissing(dataDir: string): void {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new RefusedError(`db create refused: ${dataDir} exists and is not a PGlite data directory`, {
      hint: 'point pglite:// at an empty or new directory',
    }, 'not_a_database');
  }
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

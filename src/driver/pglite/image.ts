import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { inspectPgliteDir, markPgliteDir } from './dir.js';
import { processExists } from '../../process-alive.js';

const require = createRequire(import.meta.url);

/**
 * A freshly initialised PGlite cluster on disk, made once per user, machine and PGlite version.
 * Copying it (~40 MB, tens of ms) and opening the copy is far cheaper than initdb, which is what
 * makes a new embedded database (and one per test) affordable. Every new database starts as a copy,
 * so the image must be the user's own: it lives in the temp directory under the user's id, is
 * made private, and one that another user owns or could write to is never used.
 */
export async function pgliteBaseImage(options: { onBuild?: () => void } = {}): Promise<string> {
  const version = pgliteVersion();
  const uid = process.getuid?.();
  const dir = path.join(os.tmpdir(), `dbctl-pglite-base-${version}${uid === undefined ? '' : `-${uid}`}`);
  if (inspectPgliteDir(dir).pgVersion) {
    if (isPrivate(dir, uid)) return dir;
    // Planted or shared: build a private image for this process instead (slower, never trusted).
    options.onBuild?.();
    return initialise(fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-pglite-base-')));
  }
  const building = `${dir}.${process.pid}.${Date.now()}`;
  fs.mkdirSync(building, { mode: 0o700 });
  options.onBuild?.();
  await initialise(building);
  try {
    fs.renameSync(building, dir);
  } catch {
    // Another process won the race: use theirs.
    fs.rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/** The installed PGlite's version (the package does not export its package.json: found beside its entry point). */
export function pgliteVersion(): string {
  const entry = require.resolve('@electric-sql/pglite');
  return JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')).version;
}

async function initialise(dir: string): Promise<string> {
  const { PGlite } = await (await import('./module.js')).loadPglite();
  const db = await PGlite.create({ dataDir: dir });
  await db.close();
  return dir;
}

/** Owned by this user and writable by no one else (always true where there are no uids). */
function isPrivate(dir: string, uid: number | undefined): boolean {
  if (uid === undefined) return true;
  const stat = fs.statSync(dir);
  return stat.uid === uid && (stat.mode & 0o022) === 0;
}

/**
 * A new embedded database directory, copied from the base image and marked as dbctl's (every
 * directory dbctl creates comes through here), so `db drop` may later delete it. The copy is made
 * in a hidden folder beside `target` and renamed into place once whole and marked: a dbctl killed
 * mid-copy leaves no half directory under the database's name (which later runs could not open),
 * only a hidden folder, removed by the next copy beside it.
 */
export async function copyPgliteBase(target: string, options: { onBuild?: () => void } = {}): Promise<void> {
  const base = await pgliteBaseImage(options);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  removeStaleCopies(parent);
  const partial = path.join(parent, `${COPYING_PREFIX}${path.basename(target)}.${process.pid}`);
  try {
    fs.cpSync(base, partial, { recursive: true });
    markPgliteDir(partial);
    // rename(2) replaces an empty directory (the target may be one: opening a new path makes it).
    fs.renameSync(partial, target);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

/** `.dbctl-copying-NAME.PID`: a copy of the base image in progress in process PID. */
const COPYING_PREFIX = '.dbctl-copying-';

function removeStaleCopies(parent: string): void {
  for (const name of fs.readdirSync(parent)) {
    if (!name.startsWith(COPYING_PREFIX)) continue;
    const pid = Number(name.slice(name.lastIndexOf('.') + 1));
    if (!(pid > 0) || !processExists(pid)) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

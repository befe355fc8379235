import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A freshly initialised PGlite cluster on disk, made once per machine and PGlite version. Copying
 * it (~40 MB, tens of ms) and opening the copy (~0.6 s) is far cheaper than initdb (~5 s), which
 * is what makes an isolated embedded database per test affordable.
 */
export async function pgliteBaseImage(): Promise<string> {
  // The package does not export its package.json: find it beside the resolved entry point.
  const entry = require.resolve('@electric-sql/pglite');
  const version: string = JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')).version;
  const dir = path.join(os.tmpdir(), `dbctl-pglite-base-${version}`);
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) return dir;
  const building = `${dir}.${process.pid}.${Date.now()}`;
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create({ dataDir: building });
  await db.close();
  try {
    fs.renameSync(building, dir);
  } catch {
    // Another process won the race: use theirs.
    fs.rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/** A new embedded database directory, copied from the base image. */
export async function copyPgliteBase(target: string): Promise<void> {
  const base = await pgliteBaseImage();
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(base, target, { recursive: true });
}

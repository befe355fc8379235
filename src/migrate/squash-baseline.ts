import fs from 'node:fs';
import { RefusedError } from '../errors.js';
import { checksumOfMigration, type MigrationFile } from './files.js';
import type { AppliedMigration } from './store.js';

/**
 * A squash baseline (`dbctl migrate squash`) names, in its header, the migrations it stands for:
 * one `-- squashes: NAME` line each, before `-- migrate:up`. A database that has every one of them
 * applied takes the baseline as applied without running it (0 statements); one that has only some
 * is refused, naming what it lacks; one that has none runs it.
 */
export const SQUASHES_LINE = '-- squashes: ';

/** The migrations a baseline file stands for; empty for any other file. Reads only the header. */
export function squashedBy(file: MigrationFile): string[] {
  if (file.kind !== 'sql') return [];
  let head: string;
  try {
    // A baseline's first line says so: only its first bytes are read for any other file.
    const fd = fs.openSync(file.file, 'r');
    try {
      const buffer = Buffer.alloc(512);
      head = buffer.toString('utf8', 0, fs.readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      fs.closeSync(fd);
    }
    if (!head.includes(SQUASHES_LINE)) return [];
    head = fs.readFileSync(file.file, 'utf8');
  } catch {
    return [];
  }
  if (!head.includes(SQUASHES_LINE)) return [];
  const before = head.split(/^--\s*migrate:up\b/m)[0];
  return before.split(/\r?\n/).filter((line) => line.startsWith(SQUASHES_LINE)).map((line) => line.slice(SQUASHES_LINE.length).trim()).filter(Boolean);
}

export interface SquashRecognition {
  baseline: string;
  checksum: string;
  stands: string[];
}

/**
 * The applied list as it reads once every baseline whose squashed migrations are all applied is
 * taken as applied in their place; `recognised` says which (for the bookkeeping to record). A
 * database with only some of a baseline's migrations is refused (`refuse`), or (a read-only
 * status) left as it is.
 */
export function recogniseSquashes(files: MigrationFile[], applied: AppliedMigration[], refuse: boolean): { applied: AppliedMigration[]; recognised: SquashRecognition[] } {
  const recognised: SquashRecognition[] = [];
  const names = new Set(applied.map((a) => a.name));
  let out = applied;
  for (const file of files) {
    if (names.has(file.name)) continue;
    const stands = squashedBy(file);
    if (!stands.length) continue;
    const have = stands.filter((n) => names.has(n));
    if (!have.length) continue;
    if (have.length < stands.length) {
      if (!refuse) continue;
      const missing = stands.filter((n) => !names.has(n));
      throw new RefusedError(`${file.name} is a squash of ${stands.length} migrations, and this database has only ${have.length} of them: missing ${missing.join(', ')}`, {
        hint: 'apply the missing migrations with the dbctl version (or commit) from before the squash, then run migrate up again; nothing was changed',
        data: { baseline: file.name, missing, applied: have },
      }, 'squash_partial');
    }
    const checksum = checksumOfMigration(file);
    recognised.push({ baseline: file.name, checksum, stands });
    const gone = new Set(stands);
    const at = new Date();
    out = [
      ...out.filter((a) => !gone.has(a.name)),
      { name: file.name, timestamp: at.toISOString(), checksum, appliedAt: at, durationMs: 0, batch: null, appliedBy: 'squash', dbctlVersion: null },
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return { applied: out, recognised };
}

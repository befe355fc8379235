import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { MANIFEST_SUFFIX, type Manifest } from './manifest.js';

export interface PruneOptions {
  dir: string;
  /** Keep the newest N backups of each database. */
  keep?: number;
  /** Remove backups older than this many milliseconds. */
  olderThanMs?: number;
  dryRun?: boolean;
  now?: Date;
}

export interface PrunedBackup {
  file: string;
  database: string;
  createdAt: string;
}

export interface PruneReport {
  dir: string;
  removed: PrunedBackup[];
  kept: PrunedBackup[];
  dryRun: boolean;
}

/**
 * Rotation for nightly backups. Only files with a dbctl manifest are considered, grouped by the
 * database they came from and ordered by the manifest's createdAt. With both rules a backup goes
 * only when it is outside the newest N *and* older than the age: `--keep` is a floor that an old,
 * quiet database never falls below.
 */
export function pruneBackups(options: PruneOptions): PruneReport {
  if (options.keep === undefined && options.olderThanMs === undefined) {
    throw new UsageError('backup prune needs --keep N or --older-than DURATION (or both)');
  }
  // "Older than nothing" is every backup: a typo or an unset variable, never a rotation policy.
  if (options.olderThanMs !== undefined && options.olderThanMs <= 0) {
    throw new UsageError('--older-than 0 would delete every backup', {
      hint: options.keep === undefined ? 'give an age (e.g. 7d); to delete every backup, remove the folder yourself' : `to keep only the newest ${options.keep}, use --keep ${options.keep} alone`,
    });
  }
  // A folder that is not there is a wrong backups.dir (or a wrong working directory), not "no backups".
  if (!fs.existsSync(options.dir)) throw new ConfigError(`backups.dir ${options.dir} does not exist: there is nothing to prune there`, { hint: 'check backups.dir in the config, and the folder dbctl runs in' });
  if (!fs.statSync(options.dir).isDirectory()) throw new ConfigError(`backups.dir ${options.dir} is not a folder`);
  const now = (options.now ?? new Date()).getTime();
  const backups = listBackups(options.dir);
  const byDatabase = new Map<string, PrunedBackup[]>();
  for (const b of backups) byDatabase.set(b.database, [...(byDatabase.get(b.database) ?? []), b]);
  const removed: PrunedBackup[] = [];
  const kept: PrunedBackup[] = [];
  for (const group of byDatabase.values()) {
    group.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    group.forEach((b, index) => {
      const beyondKeep = options.keep === undefined || index >= options.keep;
      const tooOld = options.olderThanMs === undefined || now - Date.parse(b.createdAt) > options.olderThanMs;
      (beyondKeep && tooOld ? removed : kept).push(b);
    });
  }
  if (!options.dryRun) {
    for (const b of removed) {
      fs.rmSync(b.file, { force: true });
      fs.rmSync(b.file + MANIFEST_SUFFIX, { force: true });
    }
  }
  return { dir: options.dir, removed, kept, dryRun: !!options.dryRun };
}

/** Backups in `dir` (by their manifests); unreadable manifests are left alone, never deleted. */
export function listBackups(dir: string): PrunedBackup[] {
  if (!fs.existsSync(dir)) return [];
  const out: PrunedBackup[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith(MANIFEST_SUFFIX)) continue;
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Manifest;
      if (typeof manifest.createdAt !== 'string' || Number.isNaN(Date.parse(manifest.createdAt))) continue;
      out.push({ file: path.join(dir, name.slice(0, -MANIFEST_SUFFIX.length)), database: String(manifest.database), createdAt: manifest.createdAt });
    } catch {
      continue;
    }
  }
  return out;
}

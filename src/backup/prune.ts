import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
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

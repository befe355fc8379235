import type { MigrationFile } from './files.js';
import { checksumOfMigration, matchesRecorded } from './files.js';
import type { AppliedMigration } from './store.js';

export type MigrationState = 'applied' | 'pending' | 'modified' | 'missing';

export interface MigrationStatusEntry {
  name: string;
  state: MigrationState;
  file: string | null;
  kind: 'sql' | 'module' | 'provided' | null;
  checksum: string | null;
  appliedAt: Date | null;
  durationMs: number | null;
  batch: number | null;
  appliedBy: string | null;
  /** A pending migration that sorts before the last applied one. */
  unordered: boolean;
}

/**
 * Merges the files with what the database says. Only hashes bytes: no migration is imported, so
 * this stays fast with thousands of files.
 */
export function planStatus(files: MigrationFile[], applied: AppliedMigration[]): MigrationStatusEntry[] {
  const byName = new Map(applied.map((a) => [a.name, a]));
  const lastApplied = applied.length ? applied[applied.length - 1].name : null;
  const entries: MigrationStatusEntry[] = [];
  for (const file of files) {
    const row = byName.get(file.name);
    const checksum = checksumOfMigration(file);
    if (row) {
      byName.delete(file.name);
      entries.push({
        name: file.name,
        state: row.checksum && !matchesRecorded(file.file, row.checksum, checksum) ? 'modified' : 'applied',
        file: file.file,
        kind: file.kind,
        checksum,
        appliedAt: row.appliedAt,
        durationMs: row.durationMs,
        batch: row.batch,
        appliedBy: row.appliedBy,
        unordered: false,
      });
    } else {
      entries.push({
        name: file.name,
        state: 'pending',
        file: file.file,
        kind: file.kind,
        checksum,
        appliedAt: null,
        durationMs: null,
        batch: null,
        appliedBy: null,
        unordered: lastApplied !== null && file.name < lastApplied,
      });
    }
  }
  for (const row of byName.values()) {
    entries.push({
      name: row.name,
      state: 'missing',
      file: null,
      kind: null,
      checksum: row.checksum,
      appliedAt: row.appliedAt,
      durationMs: row.durationMs,
      batch: row.batch,
      appliedBy: row.appliedBy,
      unordered: false,
    });
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface StatusSummary {
  total: number;
  applied: number;
  pending: number;
  modified: number;
  missing: number;
  unordered: number;
}

export function summarize(entries: MigrationStatusEntry[]): StatusSummary {
  const count = (s: MigrationState) => entries.filter((e) => e.state === s).length;
  return {
    total: entries.length,
    applied: count('applied'),
    pending: count('pending'),
    modified: count('modified'),
    missing: count('missing'),
    unordered: entries.filter((e) => e.unordered).length,
  };
}

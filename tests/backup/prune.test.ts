import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneBackups } from '../../src/backup/prune.js';

const DAY = 86_400_000;
const now = new Date('2026-11-22T12:00:00Z');

/** A backups folder with one (fake) dump + manifest per entry, `days` old. */
function folder(entries: Array<{ database: string; days: number }>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-prune-'));
  for (const e of entries) {
    const createdAt = new Date(now.getTime() - e.days * DAY).toISOString();
    const file = `${e.database}-${e.days}.dump`;
    fs.writeFileSync(path.join(dir, file), 'x');
    fs.writeFileSync(path.join(dir, `${file}.manifest.json`), JSON.stringify({ manifestVersion: 1, database: e.database, createdAt }));
  }
  fs.writeFileSync(path.join(dir, 'unrelated.dump'), 'not ours');
  return dir;
}
const names = (list: Array<{ file: string }>) => list.map((b) => path.basename(b.file)).sort();

describe('pruneBackups', () => {
  it('--keep N keeps the newest N of each database', () => {
    const dir = folder([{ database: 'a', days: 1 }, { database: 'a', days: 2 }, { database: 'a', days: 3 }, { database: 'b', days: 9 }]);
    const report = pruneBackups({ dir, keep: 2, now });
    expect(names(report.removed)).toEqual(['a-3.dump']);
    expect(fs.readdirSync(dir).sort()).toEqual(['a-1.dump', 'a-1.dump.manifest.json', 'a-2.dump', 'a-2.dump.manifest.json', 'b-9.dump', 'b-9.dump.manifest.json', 'unrelated.dump']);
  });

  it('--older-than removes by age; with --keep, the newest N stay whatever their age', () => {
    const entries = [{ database: 'a', days: 1 }, { database: 'a', days: 8 }, { database: 'a', days: 10 }];
    expect(names(pruneBackups({ dir: folder(entries), olderThanMs: 7 * DAY, now }).removed)).toEqual(['a-10.dump', 'a-8.dump']);
    expect(names(pruneBackups({ dir: folder(entries), olderThanMs: 7 * DAY, keep: 2, now }).removed)).toEqual(['a-10.dump']);
  });

  it('--dry-run deletes nothing; no rule at all is a usage error', () => {
    const dir = folder([{ database: 'a', days: 1 }, { database: 'a', days: 2 }]);
    expect(names(pruneBackups({ dir, keep: 1, dryRun: true, now }).removed)).toEqual(['a-2.dump']);
    expect(fs.readdirSync(dir)).toHaveLength(5);
    expect(() => pruneBackups({ dir })).toThrow(/--keep N or --older-than/);
  });

  it('refuses an age of 0 (every backup) and a backups folder that does not exist', () => {
    const dir = folder([{ database: 'a', days: 1 }]);
    const before = fs.readdirSync(dir);
    expect(() => pruneBackups({ dir, olderThanMs: 0, now })).toThrow('--older-than 0 would delete every backup');
    expect(() => pruneBackups({ dir, olderThanMs: 0, keep: 1, now })).toThrow('--older-than 0 would delete every backup');
    expect(fs.readdirSync(dir)).toEqual(before);
    expect(() => pruneBackups({ dir: path.join(dir, 'nosuch'), keep: 1, now })).toThrow(/^backups\.dir .*nosuch does not exist/);
  });
});

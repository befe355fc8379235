import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { assertMigrationsFolder } from '../config/folders.js';
import { UsageError } from '../errors.js';

export const MIGRATION_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.sql'];

export interface MigrationFile {
  /** Name as Kysely records it: the file name without its extension. */
  name: string;
  file: string;
  kind: 'sql' | 'module';
}

/**
 * Lists migration files in name order (Kysely's order: plain string comparison). A folder that
 * does not exist is an error, never an empty list: "nothing to apply" from a mistyped folder (or a
 * command run from the wrong directory) would be a success report for work that was never looked at.
 */
export function listMigrationFiles(dir: string): MigrationFile[] {
  assertMigrationsFolder(dir);
  const byName = new Map<string, MigrationFile>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const ext = path.extname(entry.name);
    if (!MIGRATION_EXTENSIONS.includes(ext) || entry.name.endsWith('.d.ts') || entry.name.startsWith('.')) continue;
    const name = entry.name.slice(0, -ext.length);
    const file = path.join(dir, entry.name);
    const clash = byName.get(name);
    if (clash) {
      throw new UsageError(`two migrations share the name "${name}": ${path.basename(clash.file)} and ${entry.name}`, {
        hint: 'rename or remove one of them',
      });
    }
    byName.set(name, { name, file, kind: ext === '.sql' ? 'sql' : 'module' });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** sha256 of the file's bytes: what `status` and drift detection compare. */
export function checksumOf(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

import fs from 'node:fs';
import path from 'node:path';
import type { MaskRule } from '../config/copy.js';
import { RefusedError } from '../errors.js';
import { listMigrationFiles } from '../migrate/files.js';
import type { CopyTable } from './graph.js';
import { isSafe } from './mask-plan.js';

export interface UnruledColumn {
  table: string;
  column: string;
  /** The first migration whose text names both the table and the column; null when none does. */
  migration: string | null;
}

/** Every copied column that has neither a rule nor a `safe` declaration, in table and column order. */
export function unruledColumns(tables: CopyTable[], rules: Map<string, Map<string, MaskRule>>, safe: string[]): Array<Omit<UnruledColumn, 'migration'>> {
  const out: Array<Omit<UnruledColumn, 'migration'>> = [];
  for (const t of tables) {
    const key = `${t.schema}.${t.table}`;
    for (const c of t.columns) {
      if (c.generated || rules.get(key)?.has(c.name) || isSafe(safe, key, c.name)) continue;
      out.push({ table: key, column: c.name });
    }
  }
  return out;
}

/**
 * Strict mode: fails before any data moves when a copied column has no rule and is not declared
 * safe, naming the column and the migration that added it (the first one naming both the table
 * and the column: a rename or a column added by a function would name a later one).
 */
export function assertAllRuled(tables: CopyTable[], rules: Map<string, Map<string, MaskRule>>, safe: string[], migrationsDir: string): void {
  const missing = unruledColumns(tables, rules, safe);
  if (!missing.length) return;
  const withOrigin = missing.map((m) => ({ ...m, migration: migrationOf(migrationsDir, m.table, m.column) }));
  const first = withOrigin[0];
  const from = first.migration ? ` (added by migration ${first.migration})` : '';
  const more = withOrigin.length > 1 ? ` and ${withOrigin.length - 1} more column(s)` : '';
  throw new RefusedError(`db copy refused (strict masking): column ${first.table.replace(/^public\./, '')}.${first.column}${from} has no masking rule and is not declared safe${more}`, {
    hint: `add a rule under copy.mask (e.g. '${first.table.replace(/^public\./, '')}.${first.column}': 'text'), or list it in copy.safe; \`dbctl db copy --suggest\` proposes rules`,
    data: { columns: withOrigin },
  }, 'unmasked_column');
}

/** The first migration file whose text names `table` and then `column` as words. */
export function migrationOf(dir: string, table: string, column: string): string | null {
  let files: ReturnType<typeof listMigrationFiles>;
  try {
    files = listMigrationFiles(dir);
  } catch {
    return null;
  }
  const bare = table.replace(/^public\./, '').split('.').pop()!;
  const word = (name: string) => new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[^A-Za-z0-9_]/g, '\\$&')}($|[^A-Za-z0-9_])`);
  for (const f of files) {
    const text = fs.readFileSync(f.file, 'utf8');
    const at = text.search(word(bare));
    if (at >= 0 && word(column).test(text.slice(at))) return path.basename(f.file);
  }
  return null;
}

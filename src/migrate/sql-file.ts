import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { locate } from '../sql/sql-error.js';

/** One direction of a `.sql` migration (dbmate's format). */
export interface SqlSection {
  sql: string;
  /** Where `sql` starts in the file's text, for mapping error positions to line:column. */
  offset: number;
  transaction: boolean;
}

export interface SqlMigration {
  /** The file's text, without a UTF-8 BOM: every offset and line:column refers to this. */
  text: string;
  up: SqlSection;
  /** Undefined when the migration cannot be reverted; a section with no statements reverts as a no-op. */
  down?: SqlSection;
}

const MARKER = /^--\s*migrate:(up|down)\b([^\n]*)$/gm;

/**
 * Parses dbmate's format: `-- migrate:up [transaction:false]`, then `-- migrate:down
 * [transaction:false]`. As in dbmate, only blank and `--` comment lines may come before the up
 * marker, and an empty (or comment-only) down section reverts as a no-op. dbctl's additions:
 * `-- migrate:down irreversible` (dbmate ignores the word) or no down marker at all means the
 * migration cannot be reverted, and a BOM is ignored.
 */
export function parseSqlMigration(file: string, raw = fs.readFileSync(file, 'utf8')): SqlMigration {
  const text = raw.replace(/^\uFEFF/, '');
  const name = path.basename(file);
  const at = (offset: number) => `${name}:${locate(text, 1, offset).line}`;
  const markers = [...text.matchAll(MARKER)];
  const up = markers.find((m) => m[1] === 'up');
  if (!up) {
    throw new UsageError(`${name}: missing "-- migrate:up" marker`, {
      hint: 'a .sql migration starts with "-- migrate:up" and may have a "-- migrate:down" section',
    }, 'migration_invalid');
  }
  const before = text.slice(0, markers[0].index).split('\n');
  const stray = before.findIndex((line) => line.trim() !== '' && !/^\s*--/.test(line));
  if (stray >= 0) {
    throw new UsageError(`${name}:${stray + 1}: SQL before "-- migrate:up" belongs to no section and would never run`, {
      hint: 'move it below "-- migrate:up" (dbmate refuses such a file too)',
    }, 'migration_invalid');
  }
  const sections: Partial<Record<'up' | 'down', SqlSection | null>> = {};
  markers.forEach((m, k) => {
    const direction = m[1] as 'up' | 'down';
    if (sections[direction] !== undefined) throw new UsageError(`${at(m.index!)}: more than one "-- migrate:${direction}" marker`, {}, 'migration_invalid');
    if (direction === 'up' && sections.down !== undefined) {
      throw new UsageError(`${at(m.index!)}: "-- migrate:up" must come before "-- migrate:down"`, {}, 'migration_invalid');
    }
    const options = m[2].trim().split(/\s+/).filter(Boolean);
    for (const option of options) {
      if (!/^transaction:(true|false)$/.test(option) && !(direction === 'down' && option === 'irreversible')) {
        throw new UsageError(`${at(m.index!)}: unknown option "${option}" on "-- migrate:${direction}"`, {
          hint: `the options are transaction:false${direction === 'down' ? ' and irreversible' : ''}`,
        }, 'migration_invalid');
      }
    }
    const start = m.index! + m[0].length;
    const end = markers[k + 1]?.index ?? text.length;
    const sql = text.slice(start, end);
    if (options.includes('irreversible')) {
      if (sql.replace(/--[^\n]*/g, '').trim() !== '') {
        throw new UsageError(`${at(m.index!)}: "-- migrate:down irreversible" has SQL under it`, { hint: 'remove the SQL, or the word irreversible' }, 'migration_invalid');
      }
      sections.down = null;
      return;
    }
    sections[direction] = { sql, offset: start, transaction: !options.includes('transaction:false') };
  });
  return { text, up: sections.up!, down: sections.down ?? undefined };
}

import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** One direction of a `.sql` migration (dbmate's format). */
export interface SqlSection {
  sql: string;
  /** Where `sql` starts in the file, for mapping error positions to line:column. */
  offset: number;
  transaction: boolean;
}

export interface SqlMigration {
  text: string;
  up: SqlSection;
  down?: SqlSection;
}

const MARKER = /^--\s*migrate:(up|down)\b([^\n]*)$/gm;

/**
 * Parses `-- migrate:up [transaction:false]` / `-- migrate:down [transaction:false]` sections.
 * An empty down section means the migration cannot be reverted.
 */
export function parseSqlMigration(file: string, text = fs.readFileSync(file, 'utf8')): SqlMigration {
  const markers = [...text.matchAll(MARKER)];
  const name = path.basename(file);
  if (!markers.some((m) => m[1] === 'up')) {
    throw new UsageError(`${name}: missing "-- migrate:up" marker`, {
      hint: 'a .sql migration starts with "-- migrate:up" and may have a "-- migrate:down" section',
    });
  }
  const sections: Partial<Record<'up' | 'down', SqlSection>> = {};
  markers.forEach((m, k) => {
    const direction = m[1] as 'up' | 'down';
    if (sections[direction]) throw new UsageError(`${name}: more than one "-- migrate:${direction}" marker`);
    const options = m[2].trim();
    for (const option of options.split(/\s+/).filter(Boolean)) {
      if (!/^transaction:(true|false)$/.test(option)) {
        throw new UsageError(`${name}: unknown option "${option}" on "-- migrate:${direction}"`, { hint: 'the only option is transaction:false' });
      }
    }
    const start = (m.index ?? 0) + m[0].length;
    const end = markers[k + 1]?.index ?? text.length;
    sections[direction] = { sql: text.slice(start, end), offset: start, transaction: !/transaction:false/.test(options) };
  });
  const down = sections.down && sections.down.sql.replace(/--[^\n]*/g, '').trim() !== '' ? sections.down : undefined;
  return { text, up: sections.up!, down };
}

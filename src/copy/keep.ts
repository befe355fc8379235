import type { ResolvedConfig } from '../config/resolve.js';
import { withUrl } from '../config/resolve.js';
import { copyIn } from '../driver/copy.js';
import { openDatabaseFor } from '../driver/open-for.js';
import type { Database } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';
import type { Target } from '../driver/target.js';
import type { CopiedTable } from './copied-table.js';
import { formatLine } from './copy-text.js';
import { qualified, rowsOf } from './graph.js';

/**
 * `--keep`: the target's own rows of these tables (staging's audit log) carried into the new
 * database, unmasked (they never came from the source), before it replaces the target.
 */
export async function copyKeptTables(config: ResolvedConfig, target: Target, built: Database, keep: string[]): Promise<CopiedTable[]> {
  const old = await openDatabaseFor(withUrl(config, target.url), 'command', { poolSize: 1 });
  const out: CopiedTable[] = [];
  try {
    for (const table of keep) {
      const t0 = performance.now();
      const dot = table.indexOf('.');
      const { rows: cols } = await built.query<{ name: string }>(`
        select a.attname as name from pg_catalog.pg_attribute a
        where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' order by a.attnum`, [qualified(table)]);
      const { rows: present } = await old.query<{ name: string }>(`select column_name as name from information_schema.columns where table_schema = $1 and table_name = $2`, [table.slice(0, dot), table.slice(dot + 1)]);
      const have = new Set(present.map((c) => c.name));
      const columns = cols.map((c) => c.name).filter((c) => have.has(c));
      if (!have.size) continue; // the target did not have the table yet: nothing to keep
      // Its own rows: an inheritance parent's scan would add its children's (see rowsOf).
      const { rows: [{ partitioned }] } = await built.query<{ partitioned: boolean }>(`select relkind = 'p' as partitioned from pg_catalog.pg_class where oid = $1::regclass`, [qualified(table)]);
      const { rows } = await old.query<Record<string, string | null>>(`select ${columns.map((c, i) => `${quoteIdent(c)}::text as "c${i}"`).join(', ')} from ${rowsOf(table, { partitioned })}`);
      const text = rows.map((r) => formatLine(columns.map((_, i) => r[`c${i}`]))).join('');
      await built.transaction({}, async (trx) => {
        const sink = await copyIn(trx, `copy ${qualified(table)} (${columns.map(quoteIdent).join(', ')}) from stdin`);
        try {
          if (text) await sink.write(text);
          await sink.close();
        } catch (error) {
          await sink.abort();
          throw error;
        }
      });
      out.push({ table, mode: 'kept', rows: rows.length, bytes: text.length, masked: [], milliseconds: Math.round(performance.now() - t0) });
    }
  } finally {
    await old.close();
  }
  return out;
}

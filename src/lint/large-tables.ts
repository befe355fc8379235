import type { Database } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';
import { CATALOG_HELP, type LockHazard, type RelationName, type Work } from './locks.js';

export interface TableSize {
  /** As Postgres names it (regclass text): `users`, `app."Orders"`. */
  relation: string;
  rows: number;
  bytes: number;
  /** Never analyzed: `rows` is a count that stopped at the threshold (so "at least"). */
  atLeast: boolean;
}

export const keyOf = (r: RelationName) => `${r.index ? 'i' : 'r'}:${r.schema ? `${quoteIdent(r.schema)}.` : ''}${quoteIdent(r.name)}`;

/**
 * Sizes of the tables the statements lock, from the live database: `pg_class.reltuples` (the
 * planner's estimate, kept by ANALYZE and autovacuum) summed over a partitioned table's leaves, and
 * the table's total size on disk. A table never analyzed has reltuples -1: it is counted instead,
 * reading at most `threshold` rows. Names that do not resolve (created by a migration not applied
 * yet) are left out: such a table is new and empty when the statement runs.
 */
export async function tableSizes(database: Database, relations: RelationName[], threshold: number): Promise<Map<string, TableSize>> {
  const keys = [...new Set(relations.map(keyOf))];
  const sizes = new Map<string, TableSize>();
  if (!keys.length) return sizes;
  const { rows } = await database.query<{ key: string; relation: string; reltuples: number; unanalyzed: boolean; bytes: string }>(
    `select r.key, c.oid::regclass::text as relation,
       case when c.relkind = 'p' then (select coalesce(sum(l.reltuples) filter (where l.reltuples > 0), 0)::float8
         from pg_partition_tree(c.oid) t join pg_class l on l.oid = t.relid where t.isleaf) else c.reltuples::float8 end as reltuples,
       case when c.relkind = 'p' then exists (select from pg_partition_tree(c.oid) t join pg_class l on l.oid = t.relid where t.isleaf and l.reltuples < 0)
         else c.reltuples < 0 end as unanalyzed,
       (case when c.relkind = 'p' then (select coalesce(sum(pg_total_relation_size(t.relid)), 0) from pg_partition_tree(c.oid) t)
         else pg_total_relation_size(c.oid) end)::text as bytes
     from json_to_recordset($1::json) as r(key text)
     cross join lateral (select case when r.key like 'i:%' then (select i.indrelid from pg_index i where i.indexrelid = to_regclass(substr(r.key, 3)))
       else to_regclass(substr(r.key, 3)) end as oid) o
     join pg_class c on c.oid = o.oid
     where c.relkind in ('r', 'p', 'm')`,
    [JSON.stringify(keys.map((key) => ({ key })))],
  );
  for (const row of rows) {
    const bytes = Number(row.bytes);
    let count = Math.max(0, Math.round(Number(row.reltuples)));
    let atLeast = false;
    if (row.unanalyzed && bytes > 0) {
      const counted = await database.query<{ n: number }>(`select count(*)::int as n from (select from ${row.relation} limit ${Math.floor(threshold)}) s`);
      count = Math.max(count, counted.rows[0].n);
      atLeast = counted.rows[0].n >= threshold;
    }
    sizes.set(row.key, { relation: row.relation, rows: count, bytes, atLeast });
  }
  return sizes;
}

/**
 * Which of these functions may be volatile (a new column defaulting to one fills every row at ADD
 * COLUMN time; a stable or immutable default is stored once in the catalog). A name the database
 * does not know yet (created by the same migration) counts as volatile: the cautious answer.
 */
export async function volatileFunctions(database: Database, names: string[]): Promise<Set<string>> {
  const unique = [...new Set(names)];
  if (!unique.length) return new Set();
  const { rows } = await database.query<{ name: string }>(
    `select n.value as name from json_array_elements_text($1::json) n
     where not exists (select from pg_proc p where p.proname = n.value) or exists (select from pg_proc p where p.proname = n.value and p.provolatile = 'v')`,
    [JSON.stringify(unique)],
  );
  return new Set(rows.map((r) => r.name));
}

/** A hazard whose volatile-default condition did not hold is a catalog-only change. */
export function settle(hazard: LockHazard, volatile: Set<string>): LockHazard {
  if (!hazard.volatileIf || hazard.volatileIf.some((f) => volatile.has(f))) return hazard;
  return { ...hazard, work: 'catalog', action: hazard.action.replace(/ with a volatile default.*$/, ''), help: CATALOG_HELP, volatileIf: undefined };
}

const EFFECT: Record<Work, string> = {
  rewrite: 'rewrites it while holding ACCESS EXCLUSIVE: reads and writes wait until the whole table is copied',
  scan: 'reads all of it while holding ACCESS EXCLUSIVE: reads and writes wait for the whole scan',
  catalog: 'takes ACCESS EXCLUSIVE on it',
};

export function describeHazard(hazard: LockHazard, size: TableSize): string {
  return `${hazard.action} on ${size.relation} (${sizeText(size)}) ${EFFECT[hazard.work]}`;
}

/** `~1.2M rows, 80 MB` (`≥ 100k rows` for a table never analyzed whose count stopped at the limit). */
export function sizeText(size: TableSize): string {
  return `${formatRows(size)}, ${formatBytes(size.bytes)}`;
}

function formatRows(size: TableSize): string {
  const n = size.rows;
  const short = n >= 1e9 ? `${(n / 1e9).toFixed(1)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k` : String(n);
  return `${size.atLeast ? '≥ ' : '~'}${short} rows`;
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) (value /= 1024), unit++;
  return `${unit ? value.toFixed(value >= 10 ? 0 : 1) : value} ${units[unit]}`;
}

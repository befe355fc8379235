import { sql, type Kysely } from 'kysely';
import type { BulkResult } from './bulk.js';
import type { SeedContext } from './context.js';
import type { TableCounts } from './seeder.js';

/**
 * Row counts of a seed on Citus. Postgres's per-transaction write counters (what the seeder reads
 * for local tables) see nothing of a distributed or reference table on the coordinator: the rows go
 * to the shards, on other sessions. So each Citus table is counted through the coordinator, in the
 * seed's own transaction (which sees its own writes), before and after the seed; the helpers'
 * results add what a count cannot see (rows updated, and inserts offset by deletes).
 */
export interface CitusCount {
  /** The seed context with its bulk helpers' results recorded. */
  wrap(ctx: SeedContext): SeedContext;
  /** Replaces whatever the local counters said about Citus tables (their shards) with the counts. */
  finish(db: Kysely<any>, tables: Record<string, TableCounts>): Promise<Record<string, TableCounts>>;
}

interface CitusTable {
  schema: string;
  table: string;
  /** The seeder's key: `table` in public, else `schema.table`. */
  key: string;
  shardPrefix: string;
}

export async function startCitusCount(db: Kysely<any>): Promise<CitusCount | undefined> {
  const { rows } = await sql<{ schema: string; table: string }>`
    select n.nspname as schema, c.relname as table
    from pg_dist_partition p join pg_class c on c.oid = p.logicalrelid join pg_namespace n on n.oid = c.relnamespace
    order by 1, 2`.execute(db);
  if (!rows.length) return undefined;
  const tables: CitusTable[] = rows.map((r) => ({ ...r, key: r.schema === 'public' ? r.table : `${r.schema}.${r.table}`, shardPrefix: `${r.table}_` }));
  const before = await countAll(db, tables);
  const helper = new Map<string, { inserted: number; updated: number }>();
  const record = (result: BulkResult) => {
    const t = tables.find((t) => t.table === result.table || `${t.schema}.${t.table}` === result.table);
    if (!t) return;
    const h = helper.get(t.key) ?? { inserted: 0, updated: 0 };
    helper.set(t.key, { inserted: h.inserted + result.inserted, updated: h.updated + result.updated });
  };
  const recorded = <A extends unknown[]>(fn: (...args: A) => Promise<BulkResult>) => async (...args: A) => {
    const result = await fn(...args);
    record(result);
    return result;
  };
  return {
    wrap: (ctx) => ({ ...ctx, insert: recorded(ctx.insert), upsert: recorded(ctx.upsert), upsertFixture: recorded(ctx.upsertFixture) }),
    async finish(db, local) {
      const after = await countAll(db, tables);
      const out: Record<string, TableCounts> = {};
      // A shard placement on the coordinator is a local table (`events_102008`): not the user's.
      const isShard = (key: string) => tables.some((t) => key.startsWith(t.shardPrefix) && /^\d+$/.test(key.slice(t.shardPrefix.length)));
      for (const [key, counts] of Object.entries(local)) if (!isShard(key) && !tables.some((t) => t.key === key)) out[key] = counts;
      for (const t of tables) {
        const net = after.get(t.key)! - before.get(t.key)!;
        const h = helper.get(t.key) ?? { inserted: 0, updated: 0 };
        const counts = { inserted: h.inserted + Math.max(0, net - h.inserted), updated: h.updated, deleted: Math.max(0, h.inserted - net) };
        if (counts.inserted || counts.updated || counts.deleted) out[t.key] = counts;
      }
      return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    },
  };
}

/** Exact counts of every table in one round trip (a union of count(*)s, run by Citus across the shards). */
async function countAll(db: Kysely<any>, tables: CitusTable[]): Promise<Map<string, number>> {
  const query = tables.map((t, i) => sql`select ${i}::int as i, count(*)::bigint as n from ${sql.id(t.schema, t.table)}`);
  const { rows } = await sql<{ i: number; n: string }>`${sql.join(query, sql` union all `)}`.execute(db);
  return new Map(rows.map((r) => [tables[r.i].key, Number(r.n)]));
}

import { sql, type Kysely } from 'kysely';
import type { BulkResult } from './bulk.js';
import type { SeedContext } from './context.js';
import type { TableCounts } from './seeder.js';

/**
 * Row counts of a seed on Citus. Postgres's per-transaction write counters (what the seeder reads
 * for local tables) see nothing of a distributed or reference table on the coordinator: the rows go
 * to the shards, on other sessions. So each Citus table is counted through the coordinator, in the
 * seed's own transaction (which sees its own writes), before the seed; the helpers' results add
 * what a count cannot see (rows updated, and inserts offset by deletes). When the seed wrote only
 * through the helpers, their results are the whole story and the tables are not scanned again;
 * otherwise (SQL seeds, ctx.db) they are counted again after it.
 *
 * Each count runs in Citus's sequential mode, and the mode is then put back as it was. A parallel
 * multi-shard read would otherwise forbid the seed to write, later in the same transaction, a
 * reference table that a distributed table references ("cannot modify table … because there was
 * a parallel operation on a distributed table"): the count must not change what the seed can do.
 */
export interface CitusCount {
  /** The seed context with its bulk helpers' results recorded. */
  wrap(ctx: SeedContext): SeedContext;
  /** Runs the seed's body, noting whether it sent anything other than the helpers' queries. */
  track(body: () => Promise<void>): Promise<void>;
  /** Replaces whatever the local counters said about Citus tables (their shards) with the counts. */
  finish(db: Kysely<any>, tables: Record<string, TableCounts>): Promise<Record<string, TableCounts>>;
}

/** Where the seed's queries can be heard (Database.onQuery): every query, raw or Kysely. */
export type QueryListen = (listener: () => void) => () => void;

interface CitusTable {
  schema: string;
  table: string;
  /** The seeder's key: `table` in public, else `schema.table`. */
  key: string;
  shardPrefix: string;
}

export async function startCitusCount(db: Kysely<any>, listen: QueryListen): Promise<CitusCount | undefined> {
  const { rows } = await sql<{ schema: string; table: string }>`
    select n.nspname as schema, c.relname as table
    from pg_dist_partition p join pg_class c on c.oid = p.logicalrelid join pg_namespace n on n.oid = c.relnamespace
    order by 1, 2`.execute(db);
  if (!rows.length) return undefined;
  const tables: CitusTable[] = rows.map((r) => ({ ...r, key: r.schema === 'public' ? r.table : `${r.schema}.${r.table}`, shardPrefix: `${r.table}_` }));
  const before = await countAll(db, tables);
  const helper = new Map<string, { inserted: number; updated: number }>();
  // Queries heard while no helper runs are the seed's own (SQL, ctx.db): then only a count knows.
  let inHelpers = 0;
  let ownQueries = false;
  const record = (result: BulkResult) => {
    const t = tables.find((t) => t.table === result.table || `${t.schema}.${t.table}` === result.table);
    if (!t) return;
    const h = helper.get(t.key) ?? { inserted: 0, updated: 0 };
    helper.set(t.key, { inserted: h.inserted + result.inserted, updated: h.updated + result.updated });
  };
  const recorded = <A extends unknown[]>(fn: (...args: A) => Promise<BulkResult>) => async (...args: A) => {
    inHelpers++;
    try {
      const result = await fn(...args);
      record(result);
      return result;
    } finally {
      inHelpers--;
    }
  };
  return {
    wrap: (ctx) => ({ ...ctx, insert: recorded(ctx.insert), upsert: recorded(ctx.upsert), upsertFixture: recorded(ctx.upsertFixture) }),
    async track(body) {
      const stop = listen(() => {
        if (!inHelpers) ownQueries = true;
      });
      try {
        await body();
      } finally {
        stop();
      }
    },
    async finish(db, local) {
      const after = ownQueries ? await countAll(db, tables) : undefined;
      const out: Record<string, TableCounts> = {};
      // A shard placement on the coordinator is a local table (`events_102008`): not the user's.
      const isShard = (key: string) => tables.some((t) => key.startsWith(t.shardPrefix) && /^\d+$/.test(key.slice(t.shardPrefix.length)));
      for (const [key, counts] of Object.entries(local)) if (!isShard(key) && !tables.some((t) => t.key === key)) out[key] = counts;
      for (const t of tables) {
        const h = helper.get(t.key) ?? { inserted: 0, updated: 0 };
        const net = after ? after.get(t.key)! - before.get(t.key)! : h.inserted;
        const counts = { inserted: h.inserted + Math.max(0, net - h.inserted), updated: h.updated, deleted: Math.max(0, h.inserted - net) };
        if (counts.inserted || counts.updated || counts.deleted) out[t.key] = counts;
      }
      return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    },
  };
}

/**
 * Exact counts of every table in one round trip (a union of count(*)s, run by Citus across the
 * shards), in sequential mode (see CitusCount), then the mode the seed had.
 */
async function countAll(db: Kysely<any>, tables: CitusTable[]): Promise<Map<string, number>> {
  const query = tables.map((t, i) => sql`select ${i}::int as i, count(*)::bigint as n from ${sql.id(t.schema, t.table)}`);
  const { rows: mode } = await sql<{ mode: string }>`select current_setting('citus.multi_shard_modify_mode') as mode`.execute(db);
  await sql`set local citus.multi_shard_modify_mode to 'sequential'`.execute(db);
  const { rows } = await sql<{ i: number; n: string }>`${sql.join(query, sql` union all `)}`.execute(db);
  await sql`select set_config('citus.multi_shard_modify_mode', ${mode[0].mode}, true)`.execute(db);
  return new Map(rows.map((r) => [tables[r.i].key, Number(r.n)]));
}

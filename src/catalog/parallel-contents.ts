import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../driver/open.js';
import { quoteIdent, quoteLiteral } from '../driver/quote.js';
import { CANONICAL_SETTINGS, listUserTables, snapshotTables, type TableSnapshot } from './snapshot.js';

/** Tables smaller than this many blocks (8 kB each) are hashed whole by one session. */
const MIN_CHUNK_BLOCKS = 128;

/**
 * The counts and content hashes of `snapshotTables`, byte for byte, computed by several sessions at
 * once on a server. `lead` is a REPEATABLE READ transaction that exported `snapshot`; the other
 * sessions import it, so every session reads exactly the rows the lead sees (the rows pg_dump reads,
 * when it was given the same snapshot). Large tables are cut into block ranges (TID range scans,
 * PostgreSQL 14+): a table's hash is md5 of its row count and the two sums of its rows' md5 halves,
 * and sums add up across ranges, so the pieces combine into the very hash one query computes.
 * PGlite (one session) and Citus (distributed tables have no local ctid) take the one-session path.
 */
export async function snapshotTablesParallel(
  database: Database,
  lead: Kysely<any>,
  snapshot: string,
  options: { content: boolean; distributed?: 'citus'; sessions: number },
): Promise<TableSnapshot[]> {
  const extra = Math.max(0, options.sessions - 1);
  if (!options.content || options.distributed || !database.capabilities.concurrentSessions || extra === 0) {
    return snapshotTables(lead, options);
  }
  const tables = await listUserTables(lead);
  if (tables.length === 0) return [];
  const { rows: meta } = await sql<{ blocks: string; version: string }>`
    select pg_relation_size(format('%I.%I', s, t)::regclass) / current_setting('block_size')::int as blocks,
      current_setting('server_version_num') as version
    from unnest(${tables.map((t) => t.schema)}::text[], ${tables.map((t) => t.name)}::text[]) with ordinality as x(s, t, i)
    order by i`.execute(lead);
  const ranges = Number(meta[0].version) >= 140000;
  const totalBlocks = meta.reduce((n, m) => n + Number(m.blocks), 0);
  // Enough pieces to keep every session busy to the end, none smaller than MIN_CHUNK_BLOCKS.
  const chunkBlocks = Math.max(MIN_CHUNK_BLOCKS, Math.ceil(totalBlocks / ((extra + 1) * 4)));
  const chunks: Array<{ table: number; from?: number; to?: number; blocks: number }> = [];
  tables.forEach((_, i) => {
    const blocks = Number(meta[i].blocks);
    if (!ranges || blocks <= chunkBlocks) return void chunks.push({ table: i, blocks });
    for (let from = 0; from < blocks; from += chunkBlocks) {
      // The last range is open-ended: pages added after the snapshot hold no row it can see anyway.
      chunks.push({ table: i, from, to: from + chunkBlocks >= blocks ? undefined : from + chunkBlocks, blocks: Math.min(chunkBlocks, blocks - from) });
    }
  });
  chunks.sort((a, b) => b.blocks - a.blocks); // biggest first: the last pieces left are small

  const sums = tables.map(() => ({ rows: 0n, a: 0n, b: 0n }));
  let next = 0;
  const work = async (run: (text: string) => Promise<Array<{ rows: string; a: string; b: string }>>) => {
    while (next < chunks.length) {
      const c = chunks[next++];
      const t = tables[c.table];
      const where = [c.from !== undefined && c.from > 0 ? `ctid >= '(${c.from},0)'::tid` : '', c.to !== undefined ? `ctid < '(${c.to},0)'::tid` : ''].filter(Boolean);
      const [r] = await run(`
        select count(*)::text as rows,
          coalesce(sum(('x' || substr(m, 1, 16))::bit(64)::bigint), 0)::text as a,
          coalesce(sum(('x' || substr(m, 17, 16))::bit(64)::bigint), 0)::text as b
        from (select md5(r::text) as m from ${quoteIdent(t.schema)}.${quoteIdent(t.name)} as r${where.length ? ` where ${where.join(' and ')}` : ''}) h`);
      const s = sums[c.table];
      s.rows += BigInt(r.rows);
      s.a += BigInt(r.a);
      s.b += BigInt(r.b);
    }
  };

  for (const setting of CANONICAL_SETTINGS) await sql.raw(setting).execute(lead);
  const helpers = Array.from({ length: Math.min(extra, chunks.length - 1) }, () =>
    database.session(async (client) => {
      await client.query(`begin isolation level repeatable read read only; set transaction snapshot ${quoteLiteral(snapshot)}; ${CANONICAL_SETTINGS.join('; ')}`);
      try {
        await work(async (text) => (await client.query(text)).rows);
      } finally {
        await client.query('rollback').catch(() => {});
      }
    }),
  );
  const results = await Promise.allSettled([work(async (text) => (await sql.raw<{ rows: string; a: string; b: string }>(text).execute(lead)).rows), ...helpers]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return tables.map((t, i) => {
    const s = sums[i];
    return { ...t, rows: Number(s.rows), hash: crypto.createHash('md5').update(`${s.rows}:${s.a}:${s.b}`).digest('hex') };
  });
}

/** A REPEATABLE READ transaction that exports its snapshot and hashes every table on it in parallel. */
export async function snapshotTablesOnServer(database: Database, options: { content: boolean; distributed?: 'citus'; sessions: number }): Promise<TableSnapshot[]> {
  return database.db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    const { rows } = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(trx);
    return snapshotTablesParallel(database, trx, rows[0].id, options);
  });
}

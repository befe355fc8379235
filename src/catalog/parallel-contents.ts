import type { Database, SqlClient } from '../driver/database.js';
import { quoteLiteral } from '../sql/quote.js';
import { addSums, canonicalSettingsScript, digestOf, emptySums, querySums, tableContents, type ContentsOptions, type TableContents } from './contents.js';
import { listTables, type TableRef } from './tables.js';

/** Tables smaller than this many blocks (8 kB each) are hashed whole by one session. */
const MIN_CHUNK_BLOCKS = 128;

export interface ParallelOptions extends ContentsOptions {
  /** Sessions hashing at once, the lead's included. */
  sessions: number;
}

/**
 * The counts and digests of `tableContents`, byte for byte, computed by several sessions at once on
 * a server. `lead` is a session in a REPEATABLE READ transaction that exported `snapshot`; the other
 * sessions import it, so every session reads exactly the rows the lead sees (the rows pg_dump reads,
 * when it was given the same snapshot). Large tables are cut into block ranges (TID range scans,
 * PostgreSQL 14+) whose sums add up to the table's. PGlite (one session) and Citus (distributed
 * tables have no local ctid) take the one-session path.
 */
export async function tableContentsParallel(
  database: Pick<Database, 'session' | 'capabilities'>,
  lead: SqlClient,
  snapshot: string,
  tables: TableRef[],
  options: ParallelOptions,
): Promise<TableContents[]> {
  const extra = Math.max(0, options.sessions - 1);
  if (options.distributed || !database.capabilities.concurrentSessions || extra === 0 || tables.length === 0) {
    return tableContents(lead, tables, options);
  }
  const { rows: meta } = await lead.query<{ blocks: string; version: string }>(`
    select pg_relation_size(format('%I.%I', s, t)::regclass) / current_setting('block_size')::int as blocks,
      current_setting('server_version_num') as version
    from unnest($1::text[], $2::text[]) with ordinality as x(s, t, i)
    order by i`, [tables.map((t) => t.schema), tables.map((t) => t.table)]);
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

  const sums = tables.map(() => emptySums());
  const pieces = tables.map((_, i) => chunks.filter((c) => c.table === i).length);
  let next = 0;
  let done = 0;
  const work = async (client: SqlClient) => {
    while (next < chunks.length) {
      const c = chunks[next++];
      addSums(sums[c.table], await querySums(client, tables[c.table], c));
      if (--pieces[c.table] === 0) options.onTable?.(++done, tables.length);
    }
  };

  const settings = canonicalSettingsScript();
  await lead.query(settings);
  const helpers = Array.from({ length: Math.min(extra, chunks.length - 1) }, () =>
    database.session(async (client) => {
      await client.query(`begin isolation level repeatable read read only; set transaction snapshot ${quoteLiteral(snapshot)}; ${settings}`);
      try {
        await work(client);
      } finally {
        await client.query('rollback').catch(() => {});
      }
    }),
  );
  const results = await Promise.allSettled([work(lead), ...helpers]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return tables.map((t, i) => ({ ...t, rows: Number(sums[i].rows), digest: digestOf(sums[i]) }));
}

/**
 * Runs `fn` on a session in a REPEATABLE READ transaction that has exported its snapshot, so other
 * sessions (pg_dump, hashing helpers) can read the very same rows. Rolled back afterwards.
 */
export async function onExportedSnapshot<T>(database: Pick<Database, 'session'>, fn: (lead: SqlClient, snapshot: string) => Promise<T>): Promise<T> {
  return database.session(async (client) => {
    // When the exporting session dies, whatever reads the snapshot fails next (pg_dump says "invalid
    // snapshot identifier"); the lost connection is the cause, and the error the user must see.
    let lost: Error | undefined;
    const unsubscribe = client.onLost((error) => void (lost = error));
    await client.query('begin isolation level repeatable read');
    try {
      const { rows } = await client.query<{ id: string }>('select pg_export_snapshot() as id');
      return await fn(client, rows[0].id);
    } catch (error) {
      throw lost ?? error;
    } finally {
      unsubscribe();
      await client.query('rollback').catch(() => {});
    }
  });
}

/**
 * Every table's count and digest as a verification reads them: the tables holding rows (partitions,
 * not their parents) in every user schema, on one snapshot; several sessions at once on a server.
 */
export async function databaseContents(
  database: Pick<Database, 'session' | 'capabilities'>,
  options: ParallelOptions & { content: boolean },
): Promise<Array<TableRef & { rows: number | null; digest: string | null }>> {
  if (database.capabilities.concurrentSessions && options.content) {
    return onExportedSnapshot(database, async (lead, snapshot) => tableContentsParallel(database, lead, snapshot, await listTables(lead, 'user', { partitions: 'leaves' }), options));
  }
  return database.session(async (client) => {
    await client.query('begin isolation level repeatable read');
    try {
      const tables = await listTables(client, 'user', { partitions: 'leaves' });
      if (!options.content) return tables.map((t) => ({ ...t, rows: null, digest: null }));
      return await tableContents(client, tables, options);
    } finally {
      await client.query('rollback').catch(() => {});
    }
  });
}

/** The indexes of `tables`, largest relation first: the longest reads start first when they are shared out. */
export async function largestFirst(database: Pick<Database, 'session'>, tables: TableRef[]): Promise<number[]> {
  const sizes = await database.session(async (client) => (await client.query<{ bytes: string }>(`
    select pg_relation_size(format('%I.%I', s, t)::regclass) as bytes
    from unnest($1::text[], $2::text[]) with ordinality as x(s, t, i) order by i`, [tables.map((t) => t.schema), tables.map((t) => t.table)])).rows.map((r) => Number(r.bytes)));
  return tables.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a]);
}

/**
 * Every table's count and digest, each table read whole in a transaction of its own, on up to
 * `sessions` sessions (largest tables first). For a database nothing writes rows to but that may be
 * altered meanwhile (a restore building its indexes and constraints): no lock outlives one table's
 * read, so an ALTER TABLE waits for at most that read, and no read waits on a lock held by this one.
 */
export async function tableContentsEach(database: Pick<Database, 'session' | 'capabilities'>, tables: TableRef[], options: ParallelOptions): Promise<TableContents[]> {
  if (!tables.length) return [];
  const order = await largestFirst(database, tables);
  const out: TableContents[] = new Array(tables.length);
  let next = 0;
  let done = 0;
  const settings = canonicalSettingsScript(options);
  const work = (client: SqlClient) => async () => {
    while (next < order.length) {
      const i = order[next++];
      await client.query(`begin isolation level repeatable read read only; ${settings}`);
      try {
        const sums = await querySums(client, tables[i]);
        out[i] = { ...tables[i], rows: Number(sums.rows), digest: digestOf(sums) };
      } finally {
        await client.query('rollback').catch(() => {});
      }
      options.onTable?.(++done, tables.length);
    }
  };
  const sessions = database.capabilities.concurrentSessions ? Math.max(1, Math.min(options.sessions, tables.length)) : 1;
  const results = await Promise.allSettled(Array.from({ length: sessions }, () => database.session((client) => work(client)())));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return out;
}

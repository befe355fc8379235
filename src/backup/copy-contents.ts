import type pg from 'pg';
import { canonicalSettingsScript, type TableContents } from '../catalog/contents.js';
import type { TableRef } from '../catalog/tables.js';
import type { Database } from '../driver/database.js';
import { connectServerClient, severSession } from '../driver/pg/client.js';
import { copyOutRows } from '../driver/pg/copy-out-rows.js';
import { quoteIdent } from '../sql/quote.js';
import { CopyDigest } from '../catalog/copy-digest.js';
import { largestFirst } from '../catalog/parallel-contents.js';

/**
 * The counts and digests of `tableContentsEach` (src/catalog/parallel-contents.ts), read with
 * `COPY (select * …) TO STDOUT` and hashed here by CopyDigest, the code that hashes a directory
 * dump's rows: the server only prints the rows, and this process hashes them meanwhile, so one
 * table's verification runs on two cores (the backend printing, Node hashing) instead of one
 * backend printing and md5-hashing every row. `select *` is the row `(r.*)` the server's query
 * hashes: every column, generated ones included, from the table and its inheritance children.
 *
 * Each table is read whole in a transaction of its own (as tableContentsEach: a restore may be
 * building indexes meanwhile), largest first, on up to `sessions` sessions of their own.
 */
export async function copyContentsEach(database: Pick<Database, 'target' | 'session'>, tables: TableRef[], options: { sessions: number; onTable?: (done: number, total: number) => void }): Promise<TableContents[]> {
  if (!tables.length) return [];
  const order = await largestFirst(database, tables);
  const out: TableContents[] = new Array(tables.length);
  let next = 0;
  let done = 0;
  const work = async () => {
    const client = await connectServerClient(database.target.url, 'dbctl verify');
    try {
      while (next < order.length) {
        const i = order[next++];
        await client.query(`begin isolation level repeatable read read only; ${canonicalSettingsScript()}`);
        try {
          const hashed = await copyDigest(client, tables[i]);
          out[i] = { ...tables[i], rows: hashed.rows, digest: hashed.digest };
        } finally {
          await client.query('rollback').catch(() => {});
        }
        options.onTable?.(++done, tables.length);
      }
    } finally {
      await client.end().catch(() => {});
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(options.sessions, tables.length)) }, work));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return out;
}

/** Whether the server prints rows in the bytes its own md5 hashes: the client (UTF8) and server encodings agree. */
export async function copyHashable(database: Pick<Database, 'query'>): Promise<boolean> {
  const { rows } = await database.query<{ encoding: string }>(`select current_setting('server_encoding') as encoding`);
  return rows[0].encoding === 'UTF8';
}

async function copyDigest(client: pg.Client, table: TableRef): Promise<{ rows: number; digest: string }> {
  const digest = await CopyDigest.create();
  await copyOutRows(client, `copy (select * from ${quoteIdent(table.schema)}.${quoteIdent(table.table)}) to stdout`, (data, start, end) => digest.row(data, start, end));
  // COPY TO STDOUT sends no `\.` line (pg_dump's files have one): the data ended with the stream.
  digest.update(END);
  const { rows: count, digest: hash } = digest.finish();
  return { rows: count, digest: hash };
}

const END = Buffer.from('\\.\n');

/**
 * Verification that starts before the restore has finished loading: each table handed to `add`
 * (one the data section has committed) is read and hashed on a session of its own, one after the
 * other, while the next tables load. A table with inheritance children is not taken: its rows
 * (`select *`) include theirs, which may not be in yet; it is read with the rest at the end.
 *
 * `stop` takes no more tables (the one being read is finished); `finish` resolves with what was
 * hashed, by tableKey, once that is done. A failure here is not the restore's: the tables not
 * hashed are read with the rest, where a failure is reported.
 */
export function copyContentsAsLoaded(database: Pick<Database, 'target' | 'query'>, options: { onTable?: (table: TableRef) => void } = {}): {
  add(table: TableRef): void;
  stop(): void;
  finish(): Promise<Map<string, TableContents>>;
  /** The restore failed: its session ends now (the database is about to be dropped). */
  cancel(): void;
} {
  const done = new Map<string, TableContents>();
  const queue: TableRef[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  let session: pg.Client | undefined;
  const worker = (async () => {
    if (!(await copyHashable(database))) return;
    const { rows } = await database.query<{ schema: string; table: string }>(`
      select n.nspname as schema, c.relname as table from pg_catalog.pg_inherits i
      join pg_catalog.pg_class c on c.oid = i.inhparent join pg_catalog.pg_namespace n on n.oid = c.relnamespace`);
    const parents = new Set(rows.map(tableKey));
    if (closed) return;
    const client = (session = await connectServerClient(database.target.url, 'dbctl verify'));
    try {
      for (;;) {
        const table = closed ? undefined : queue.shift();
        if (!table) {
          if (closed) return;
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (parents.has(tableKey(table))) continue;
        await client.query(`begin isolation level repeatable read read only; ${canonicalSettingsScript()}`);
        try {
          const hashed = await copyDigest(client, table);
          done.set(tableKey(table), { ...table, rows: hashed.rows, digest: hashed.digest });
        } finally {
          await client.query('rollback').catch(() => {});
        }
        options.onTable?.(table);
      }
    } finally {
      await client.end().catch(() => {});
    }
  })();
  worker.catch(() => {});
  return {
    add: (table) => {
      queue.push(table);
      wake?.();
    },
    stop: () => {
      closed = true;
      wake?.();
    },
    finish: async () => {
      closed = true;
      wake?.();
      await worker.catch(() => {});
      return done;
    },
    cancel: () => {
      closed = true;
      wake?.();
      severSession(session);
    },
  };
}

/** A table's key in what copyContentsAsLoaded returns (NUL: the one byte no name holds). */
export function tableKey(table: TableRef): string {
  return `${table.schema}\0${table.table}`;
}

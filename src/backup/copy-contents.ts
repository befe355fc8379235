import type pg from 'pg';
import { canonicalSettingsScript, type TableContents } from '../catalog/contents.js';
import type { TableRef } from '../catalog/tables.js';
import type { Database } from '../driver/database.js';
import { connectServerClient } from '../driver/pg/client.js';
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

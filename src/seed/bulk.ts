import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { UsageError } from '../errors.js';
import { copyLine } from './copy-format.js';
import type { Database } from '../driver/database.js';
import { openCopySink, type BulkTarget, type CopySink } from './sinks.js';
import { quoteIdent } from '../sql/quote.js';
import { tableInfo, type ColumnInfo, type TableInfo } from './table-info.js';

export type { BulkTarget } from './sinks.js';

export type Rows<T = Record<string, unknown>> = Iterable<T> | AsyncIterable<T>;

export interface BulkOptions {
  /** Columns to write; default: the keys of the first row. Columns left out get their defaults. */
  columns?: string[];
  /** Rows per batch (one COPY round on PGlite, one merge for upserts). Default 5000. */
  batchSize?: number;
  /** Called after every batch with the rows written so far. */
  onProgress?: (rows: number) => void;
}

export interface UpsertOptions extends BulkOptions {
  /** Conflict key (unique columns). Default: the table's primary key. */
  key?: string | string[];
  /** Columns to overwrite on conflict; default every written column not in the key; false = leave the row as it is. */
  update?: string[] | false;
}

export interface BulkResult {
  table: string;
  rows: number;
  inserted: number;
  updated: number;
  durationMs: number;
}

const DEFAULT_BATCH = 5000;
/** A batch is also cut at this much COPY text, so wide rows (384-dim vectors) stay within memory. */
const MAX_BATCH_CHARS = 8 * 1024 * 1024;

/**
 * Streams rows into `table` with COPY, in batches, holding at most one batch of text in memory
 * whatever the number of rows (rows may be a generator). Plain insert: a duplicate key fails.
 */
export async function bulkInsert(target: BulkTarget | Database, table: string, rows: Rows, options: BulkOptions = {}): Promise<BulkResult> {
  return onOneSession(target, async (bound) => {
    const started = Date.now();
    const info = await tableInfo(bound.db, table);
    let sink: CopySink | undefined;
    let count: number;
    try {
      count = await forEachBatch(info, table, rows, options, async (text, columns) => {
        sink ??= await openCopySink(bound, `${info.qualified} (${columnList(columns)})`);
        await sink.write(text);
      });
    } catch (error) {
      await sink?.abort();
      throw error;
    }
    await sink?.close();
    return { table, rows: count, inserted: count, updated: 0, durationMs: Date.now() - started };
  });
}

/**
 * Inserts rows, or updates the existing row with the same key. Each batch is copied into a
 * temporary table and merged with INSERT … ON CONFLICT; a row whose values did not change is not
 * touched (no new row version, no updated_at trigger), so running a seed again changes nothing.
 */
export async function bulkUpsert(target: BulkTarget | Database, table: string, rows: Rows, options: UpsertOptions = {}): Promise<BulkResult> {
  return onOneSession(target, async (bound) => {
    const started = Date.now();
    const info = await tableInfo(bound.db, table);
    const key = options.key === undefined ? info.primaryKey : [options.key].flat();
    if (!key.length) throw new UsageError(`upsert into "${table}": the table has no primary key, so give the conflict key ({ key: [...] })`, {}, 'seed_upsert_key');
    requireColumns(info, table, key);
    const stage = quoteIdent(`dbctl_stage_${randomBytes(6).toString('hex')}`);
    let inserted = 0;
    let updated = 0;
    let staged = false;
    const count = await forEachBatch(info, table, rows, options, async (text, columns) => {
      const names = columns.map((c) => c.name);
      if (!staged) {
        for (const k of key) if (!names.includes(k)) throw new UsageError(`upsert into "${table}": the rows lack the key column "${k}"`, {}, 'seed_upsert_key');
        await sql.raw(`create temporary table ${stage} as select ${columnList(columns)} from ${info.qualified} with no data`).execute(bound.db);
        staged = true;
      }
      const sink = await openCopySink(bound, `pg_temp.${stage} (${columnList(columns)})`);
      await sink.write(text).then(() => sink.close(), async (error) => {
        await sink.abort();
        throw error;
      });
      const merged = await merge(bound.db, info, stage, names, key, options.update, !!bound.distributed);
      inserted += merged.inserted;
      updated += merged.updated;
      await sql.raw(`truncate pg_temp.${stage}`).execute(bound.db);
    });
    if (staged) await sql.raw(`drop table pg_temp.${stage}`).execute(bound.db);
    return { table, rows: count, inserted, updated, durationMs: Date.now() - started };
  });
}

async function merge(db: Kysely<any>, info: TableInfo, stage: string, names: string[], key: string[], update: string[] | false | undefined, distributed: boolean): Promise<{ inserted: number; updated: number }> {
  const target = info.qualified;
  const set = update === false ? [] : update ?? names.filter((n) => !key.includes(n));
  if (update) requireColumns(info, target, update);
  const onConflict = set.length
    ? `do update set ${set.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(', ')}
       where ${changed(info, target, set, distributed)}`
    : 'do nothing';
  // xmax = 0 on the returned row version means it was inserted, not updated.
  const { rows } = await sql.raw<{ inserted: number; updated: number }>(`
    with written as (
      insert into ${target} (${names.map(quoteIdent).join(', ')})
      select ${names.map(quoteIdent).join(', ')} from pg_temp.${stage}
      on conflict (${key.map(quoteIdent).join(', ')}) ${onConflict}
      returning (xmax = 0) as fresh)
    select (count(*) filter (where fresh))::int as inserted, (count(*) filter (where not fresh))::int as updated from written`).execute(db);
  return rows[0];
}

/**
 * The ON CONFLICT condition that leaves unchanged rows alone. The rows' text forms compare every type
 * alike (json has no `=`; 1.0 and 1.00 differ), but record output is only STABLE, and Citus refuses
 * anything not IMMUTABLE there: on Citus each column is compared with its type's `=` (its text form
 * when it has none: json, point, xml, whose output is immutable).
 */
function changed(info: TableInfo, target: string, columns: string[], distributed: boolean): string {
  if (!distributed) {
    return `row(${columns.map((c) => `${target}.${quoteIdent(c)}`).join(', ')})::text
             is distinct from row(${columns.map((c) => `excluded.${quoteIdent(c)}`).join(', ')})::text`;
  }
  return columns
    .map((c) => {
      const cast = info.columns.get(c)?.equality === false ? '::text' : '';
      return `${target}.${quoteIdent(c)}${cast} is distinct from excluded.${quoteIdent(c)}${cast}`;
    })
    .join(' or ');
}

/** Formats rows into COPY text and hands it over a batch at a time; returns the row count. */
async function forEachBatch(
  info: TableInfo,
  table: string,
  rows: Rows,
  options: BulkOptions,
  flush: (text: string, columns: ColumnInfo[]) => Promise<void>,
): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  let columns: ColumnInfo[] | undefined = options.columns && resolveColumns(info, table, options.columns);
  let text = '';
  let inBatch = 0;
  let total = 0;
  const send = async () => {
    await flush(text, columns!);
    total += inBatch;
    text = '';
    inBatch = 0;
    options.onProgress?.(total);
  };
  for await (const row of rows as AsyncIterable<Record<string, unknown>>) {
    columns ??= resolveColumns(info, table, Object.keys(row));
    text += copyLine(row, columns);
    if (++inBatch >= batchSize || text.length >= MAX_BATCH_CHARS) await send();
  }
  if (inBatch) await send();
  return total;
}

function resolveColumns(info: TableInfo, table: string, names: string[]): ColumnInfo[] {
  requireColumns(info, table, names);
  return names.map((n) => info.columns.get(n)!);
}

function requireColumns(info: TableInfo, table: string, names: string[]): void {
  for (const name of names) {
    if (!info.columns.has(name)) {
      throw new UsageError(`table "${table}" has no column "${name}"`, { hint: `its columns: ${[...info.columns.keys()].join(', ')}` }, 'seed_column');
    }
  }
}

function columnList(columns: ColumnInfo[]): string {
  return columns.map((c) => quoteIdent(c.name)).join(', ');
}

/**
 * COPY and temporary tables need one session throughout: the caller's transaction, or a reserved
 * connection. A Database (docs/seeds.md's `bulkInsert(database, …)`) lends its Kysely, loaded now.
 */
async function onOneSession<T>(given: BulkTarget | Database, fn: (bound: BulkTarget) => Promise<T>): Promise<T> {
  const target: BulkTarget = 'db' in given ? given : { db: await given.kysely(), distributed: given.capabilities.distributed };
  if (target.db.isTransaction) return fn(target);
  return target.db.connection().execute((db) => fn({ ...target, db }));
}

import crypto from 'node:crypto';
import type { SqlClient } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';
import type { TableRef } from './tables.js';

/**
 * The one content digest of a table: what `summary --digest` prints, what a backup manifest
 * records and what a restore is verified against. Each row's text form is md5-hashed; the two
 * 64-bit halves of those hashes are summed over the table; the digest is md5 of
 * `count:sum1:sum2`. Order-independent, constant memory, no sort, and additive: block ranges of a
 * table (or the partitions of a parent) hashed apart combine into the very same digest.
 */
export interface TableContents extends TableRef {
  rows: number;
  digest: string;
}

/**
 * Output settings that change how a row prints as text, fixed for the hashing transaction so the
 * same rows hash the same on any server, PGlite included, whatever the database's or session's
 * defaults (a `DateStyle` of `SQL, DMY` included). Unchanged since the first manifests: their
 * hashes still verify.
 */
export const CANONICAL_SETTINGS = [
  `set local timezone = 'UTC'`,
  `set local datestyle = 'ISO, MDY'`,
  `set local intervalstyle = 'postgres'`,
  `set local extra_float_digits = 1`,
  `set local bytea_output = 'hex'`,
];

/** The settings as one script (one round trip), with what a distributed database needs first. */
export function canonicalSettingsScript(options: { distributed?: 'citus' } = {}): string {
  // Citus computes a distributed table's rows' text on the workers: they must get the same settings.
  return [...(options.distributed === 'citus' ? [`set local citus.propagate_set_commands = 'local'`] : []), ...CANONICAL_SETTINGS].join('; ');
}

/**
 * The digest's version, recorded in backup manifests (`digestVersion`). 2: the row is a whole-row
 * reference (sumsQuery). A manifest without one was hashed by version 1.
 */
export const DIGEST_VERSION = 2;

/** The partial sums of a table or a block range of it; `combine` turns them into the digest. */
export interface ContentSums {
  rows: bigint;
  a: bigint;
  b: bigint;
}

/**
 * The query for one table's sums, optionally over the block range [from, to) (TID range scans,
 * PostgreSQL 14+; `to` undefined: to the end). Each md5 is cast to bit(128) once; its left and
 * right 64 bits are the two halves, read as signed bigints (the same numbers as casting each hex
 * half, for less work). `offset 0` keeps the planner from inlining the subquery, which would
 * compute every row's md5 once per sum.
 *
 * The row is `(r.*)`, a whole-row reference whatever the table's columns are called. Digests
 * before version 2 (DIGEST_VERSION) wrote `r`, which a column named `r` takes over: such a table
 * was hashed by that column alone. `legacy` is that query, to verify old manifests with; for
 * every other table both give the same digest.
 */
export function sumsQuery(table: TableRef, range: { from?: number; to?: number } = {}, legacy = false): string {
  const where = [range.from ? `ctid >= '(${range.from},0)'::tid` : '', range.to !== undefined ? `ctid < '(${range.to},0)'::tid` : ''].filter(Boolean);
  return `select count(*)::text as rows,
      coalesce(sum(m::bit(64)::bigint), 0)::text as a,
      coalesce(sum((m << 64)::bit(64)::bigint), 0)::text as b
    from (select ('x' || md5(${legacy ? 'r' : '(r.*)'}::text))::bit(128) as m from ${quoteIdent(table.schema)}.${quoteIdent(table.table)} as r${where.length ? ` where ${where.join(' and ')}` : ''} offset 0) h`;
}

export async function querySums(client: SqlClient, table: TableRef, range?: { from?: number; to?: number }, legacy = false): Promise<ContentSums> {
  const { rows } = await client.query<{ rows: string; a: string; b: string }>(sumsQuery(table, range, legacy));
  return { rows: BigInt(rows[0].rows), a: BigInt(rows[0].a), b: BigInt(rows[0].b) };
}

export function addSums(into: ContentSums, more: ContentSums): ContentSums {
  into.rows += more.rows;
  into.a += more.a;
  into.b += more.b;
  return into;
}

export function emptySums(): ContentSums {
  return { rows: 0n, a: 0n, b: 0n };
}

/** The digest of a table from its (combined) sums. */
export function digestOf(sums: ContentSums): string {
  return crypto.createHash('md5').update(`${sums.rows}:${sums.a}:${sums.b}`).digest('hex');
}

/**
 * Row count and digest of every table in `tables`, on one session that is inside a transaction
 * (the settings are SET LOCAL; a REPEATABLE READ one reads every table on one snapshot).
 */
export async function tableContents(client: SqlClient, tables: TableRef[], options: ContentsOptions = {}): Promise<TableContents[]> {
  if (!tables.length) return [];
  await client.query(canonicalSettingsScript(options));
  const out: TableContents[] = [];
  for (const t of tables) {
    const sums = await querySums(client, t);
    out.push({ ...t, rows: Number(sums.rows), digest: digestOf(sums) });
    options.onTable?.(out.length, tables.length);
  }
  return out;
}

export interface ContentsOptions {
  distributed?: 'citus';
  /** Called each time a table's digest is complete, for a progress line. */
  onTable?: (done: number, total: number) => void;
}

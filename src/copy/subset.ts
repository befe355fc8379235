import type { CopySubsetConfig, VirtualForeignKey } from '../config/copy.js';
import type { SqlClient } from '../driver/database.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { UsageError } from '../errors.js';
import { qualified, tableKey, type Graph, type Reference } from './graph.js';

/** What is taken of a table: every row, or the rows at these ctids (stable inside the one snapshot). */
export type Selection = { whole: true } | { whole: false; ctids: string[] };

/** Rows per lookup query (each a list of key tuples sent as arrays). */
const BATCH = 5000;
const DEFAULT_CHILD_LIMIT = 10;

interface Found {
  table: string;
  /** ctid, then the values of the table's reference columns, as text. */
  rows: Array<{ ctid: string; values: Record<string, string | null> }>;
  /** Follow this batch's children too (start rows and children do; parents pulled in do not). */
  down: boolean;
}

/**
 * The subset: start rows, then the closure. Every row a taken row references is taken, at any
 * depth (self-references and cycles end because a row is taken once), and from start rows and
 * the children taken after them, up to `childLimit` children per row and reference. Tables that
 * nothing reaches are taken whole (`copy`) or not at all (`empty`); a whole table's parents are
 * taken too. Reads only, on the caller's snapshot.
 */
export async function computeSubset(client: SqlClient, graph: Graph, subset: CopySubsetConfig): Promise<Map<string, Selection>> {
  const picked = new Map<string, Set<string>>();
  const childLimit = subset.childLimit ?? DEFAULT_CHILD_LIMIT;
  const queue: Found[] = [];
  const take = (table: string, rows: Found['rows'], down: boolean) => {
    const set = picked.get(table) ?? picked.set(table, new Set()).get(table)!;
    const fresh = rows.filter((r) => !set.has(r.ctid) && set.add(r.ctid));
    if (fresh.length) queue.push({ table, rows: fresh, down });
  };
  const drain = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      for (const ref of graph.references) {
        if (ref.from === item.table) for (const rows of await parentsOf(client, graph, ref, item.rows)) take(ref.to, rows, false);
        if (item.down && childLimit > 0 && ref.to === item.table) for (const rows of await childrenOf(client, graph, ref, item.rows, childLimit)) take(ref.from, rows, true);
      }
    }
  };
  for (const start of subset.start) {
    const table = known(graph, start.table, 'copy.subset.start');
    const where = start.where !== undefined ? `(${start.where})` : percentWhere(graph, table, start.percent ?? 100);
    take(table, await fetchRows(client, graph, table, where), true);
  }
  await drain();
  const whole = new Set<string>();
  for (const table of graph.tables.keys()) {
    if (picked.has(table) || actionOf(subset, table) !== 'copy') continue;
    whole.add(table);
    if (graph.references.some((r) => r.from === table)) take(table, await fetchRows(client, graph, table, 'true'), false);
    await drain();
  }
  const out = new Map<string, Selection>();
  for (const table of graph.tables.keys()) {
    if (whole.has(table)) out.set(table, { whole: true });
    else if (picked.has(table)) out.set(table, { whole: false, ctids: [...picked.get(table)!] });
  }
  return out;
}

/**
 * A percentage of a table's rows, picked by a hash of each row's primary key (of the whole row
 * when it has none): the same rows each run, a row stays picked when its other columns change,
 * and no row is printed whole just to be hashed (that was most of a subset's time on a big table).
 */
function percentWhere(graph: Graph, table: string, percent: number): string {
  const key = graph.tables.get(table)!.primaryKey;
  const hashed = key.length ? `row(${key.map((c) => `t.${quoteIdent(c)}`).join(', ')})::text` : 't::text';
  // bigint before abs: hashtext can give -2^31, which abs cannot negate as an int.
  return `abs(pg_catalog.hashtext(${hashed})::bigint) % 10000 < ${Math.round(percent * 100)}`;
}

function actionOf(subset: CopySubsetConfig, table: string): 'copy' | 'empty' {
  for (const [name, action] of Object.entries(subset.tables ?? {})) if (tableKey(name) === table) return action;
  return subset.outside ?? 'empty';
}

/** The graph's key for a table named in the config; an unknown one is a one-line error naming the key. */
export function known(graph: Graph, name: string, where: string): string {
  const key = tableKey(name);
  if (!graph.tables.has(key)) throw new UsageError(`${where}: table "${name}" is not in the source database`, { data: { table: name } });
  return key;
}

/** Adds the config's virtual foreign keys to the graph (referenced columns default to the primary key). */
export function withVirtualKeys(graph: Graph, virtual: VirtualForeignKey[] = []): Graph {
  const extra: Reference[] = virtual.map((v, i) => {
    const from = known(graph, v.table, `copy.virtualForeignKeys[${i}]`);
    const to = known(graph, v.references, `copy.virtualForeignKeys[${i}]`);
    const toColumns = v.referencedColumns ?? graph.tables.get(to)!.primaryKey;
    if (toColumns.length !== v.columns.length) throw new UsageError(`copy.virtualForeignKeys[${i}]: ${v.columns.length} column(s) cannot reference ${toColumns.length} (${to} primary key: ${toColumns.join(', ') || 'none'})`);
    return { name: `virtual ${from}(${v.columns.join(', ')}) → ${to}`, from, columns: v.columns, to, toColumns, when: v.when };
  });
  return { tables: graph.tables, references: [...graph.references, ...extra] };
}

/** The columns of `table` any reference reads (its own references' columns and what others reference). */
function referenceColumns(graph: Graph, table: string): string[] {
  const set = new Set<string>();
  for (const r of graph.references) {
    if (r.from === table) [...r.columns, ...Object.keys(r.when ?? {})].forEach((c) => set.add(c));
    if (r.to === table) r.toColumns.forEach((c) => set.add(c));
  }
  return [...set].sort();
}

async function fetchRows(client: SqlClient, graph: Graph, table: string, where: string, parameters: unknown[] = [], limit?: { partition: string[]; limit: number }): Promise<Found['rows']> {
  const columns = referenceColumns(graph, table);
  const select = ['t.ctid::text as "ctid"', ...columns.map((c, i) => `t.${quoteIdent(c)}::text as "c${i}"`)];
  let sql = `select ${select.join(', ')} from ${qualified(table)} as t where ${where}`;
  if (limit) {
    const order = graph.tables.get(table)!.primaryKey.map((c) => `t.${quoteIdent(c)}`).join(', ') || 't.ctid';
    const rank = `row_number() over (partition by ${limit.partition.map((c) => `t.${quoteIdent(c)}`).join(', ')} order by ${order}) as "rank"`;
    sql = `select * from (select ${[...select, rank].join(', ')} from ${qualified(table)} as t where ${where}) ranked where "rank" <= ${limit.limit}`;
  }
  const { rows } = await client.query<Record<string, string | null>>(sql, parameters);
  return rows.map((r) => ({ ctid: r.ctid!, values: Object.fromEntries(columns.map((c, i) => [c, r[`c${i}`]])) }));
}

/** Distinct non-null tuples of `columns` among `rows`, in batches. */
function tuplesOf(rows: Found['rows'], columns: string[], when?: Record<string, string>): string[][][] {
  const seen = new Set<string>();
  const tuples: string[][] = [];
  for (const r of rows) {
    if (when && Object.entries(when).some(([c, v]) => r.values[c] !== v)) continue;
    const tuple = columns.map((c) => r.values[c]);
    if (tuple.some((v) => v === null)) continue;
    const key = JSON.stringify(tuple);
    if (!seen.has(key) && seen.add(key)) tuples.push(tuple as string[]);
  }
  const batches: string[][][] = [];
  for (let i = 0; i < tuples.length; i += BATCH) batches.push(tuples.slice(i, i + BATCH));
  return batches;
}

/** `(a, b) in (select * from unnest($1::type[], $2::type[]))` on `table`'s `columns`, and its parameters. */
function matchTuples(graph: Graph, table: string, columns: string[], batch: string[][]): { where: string; parameters: unknown[] } {
  const types = columns.map((c) => graph.tables.get(table)!.columns.find((x) => x.name === c)?.type ?? 'text');
  const arrays = columns.map((_, i) => batch.map((t) => t[i]));
  const unnest = types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  return { where: `(${columns.map((c) => `t.${quoteIdent(c)}`).join(', ')}) in (select * from unnest(${unnest}))`, parameters: arrays };
}

async function parentsOf(client: SqlClient, graph: Graph, ref: Reference, rows: Found['rows']): Promise<Array<Found['rows']>> {
  const out: Array<Found['rows']> = [];
  for (const batch of tuplesOf(rows, ref.columns, ref.when)) {
    const { where, parameters } = matchTuples(graph, ref.to, ref.toColumns, batch);
    out.push(await fetchRows(client, graph, ref.to, where, parameters));
  }
  return out;
}

async function childrenOf(client: SqlClient, graph: Graph, ref: Reference, rows: Found['rows'], limit: number): Promise<Array<Found['rows']>> {
  const out: Array<Found['rows']> = [];
  for (const batch of tuplesOf(rows, ref.toColumns)) {
    const { where, parameters } = matchTuples(graph, ref.from, ref.columns, batch);
    const when = Object.entries(ref.when ?? {}).map(([c, v]) => ` and t.${quoteIdent(c)}::text = ${quoteLiteral(v)}`).join('');
    out.push(await fetchRows(client, graph, ref.from, where + when, parameters, { partition: ref.columns, limit }));
  }
  return out;
}

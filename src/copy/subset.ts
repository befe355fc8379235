import type { CopySubsetConfig, VirtualForeignKey } from '../config/copy.js';
import type { SqlClient } from '../driver/database.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { UsageError } from '../errors.js';
import { redact } from '../secrets.js';
import { qualified, rowsOf, tableKey, type Graph, type Reference } from './graph.js';

/**
 * What is taken of a table: every row; the rows at these ctids (stable inside the one snapshot),
 * relation by relation; or the rows a predicate on `t` picks, evaluated by the stream itself on the
 * same snapshot (a start table nothing else can add rows to: its rows need not be fetched to be
 * copied). `share`, when known (a percentage), is the fraction of the table's rows the predicate picks;
 * `given` names where a user's `where` in it came from (an error it raises is reported against that).
 */
export type Selection = { whole: true } | { whole: false; tids: TidSet[] } | { whole: false; where: string; share?: number; given?: string };

/**
 * Rows of one relation by ctid. A ctid is a place in one relation's heap: a partitioned table's
 * partitions (and an inheritance parent and its children) each count from (0,1), so a row is told
 * apart by (tableoid, ctid), and is read back from the relation that holds it, never through the
 * parent (whose scan would also return another partition's row at that ctid).
 */
export interface TidSet {
  /** The relation holding the rows, as SQL (`"public"."events_2024"`): the table or one of its partitions. */
  relation: string;
  ctids: string[];
}

/** Rows per lookup query (each a list of key tuples sent as arrays). */
const BATCH = 5000;
const DEFAULT_CHILD_LIMIT = 10;

/**
 * A row's reference columns as text; `tid` identifies a picked row: its ctid, and in a partitioned
 * table `tableoid/ctid` (a predicate-streamed table's rows carry none).
 */
interface Row {
  tid?: string;
  values: Record<string, string | null>;
}

interface Found {
  table: string;
  rows: Row[];
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
  const citus = await citusTables(client);
  const take = (table: string, rows: Row[], down: boolean) => {
    if (citus.has(table)) {
      // Copied whole, as configured: every row a reference can reach is there.
      if (actionOf(subset, table) === 'copy') return;
      throw citusRefusal(table);
    }
    const set = picked.get(table) ?? picked.set(table, new Set()).get(table)!;
    const fresh = rows.filter((r) => !set.has(r.tid!) && set.add(r.tid!));
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
  const starts = startsOf(graph, subset);
  await checkWheres(client, graph, starts);
  const byPredicate = new Map<string, Selection & { where: string }>();
  const pure = onlyByPredicate(graph, new Set(starts.keys()), childLimit);
  for (const [table, start] of starts) {
    const out = graph.references.some((r) => r.from === table);
    // A user's `where` may be volatile (now(), random()): evaluated twice, once here for the
    // parents and once in the stream, it could pick rows whose parents were not taken.
    if (!pure.has(table) || (out && !start.immutable)) {
      take(table, await userWhere(start, table, () => fetchRows(client, graph, table, start.where)), true);
      continue;
    }
    byPredicate.set(table, { whole: false, where: start.where, share: start.share, given: start.given });
    // Only its parents are left to find: the distinct values of its reference columns, no ctids.
    if (out) queue.push({ table, rows: await userWhere(start, table, () => fetchValues(client, graph, table, start.where)), down: true });
  }
  await drain();
  const whole = new Set<string>();
  for (const table of graph.tables.keys()) {
    if (picked.has(table) || byPredicate.has(table) || actionOf(subset, table) !== 'copy') continue;
    whole.add(table);
    // Its parents are taken; a Citus table's rows are not told apart (citusTables): only the values.
    if (graph.references.some((r) => r.from === table)) {
      if (citus.has(table)) queue.push({ table, rows: await fetchValues(client, graph, table, 'true'), down: false });
      else take(table, await fetchRows(client, graph, table, 'true'), false);
    }
    await drain();
  }
  const names = await relationNames(client, graph, picked);
  const out = new Map<string, Selection>();
  for (const table of graph.tables.keys()) {
    if (whole.has(table)) out.set(table, { whole: true });
    else if (byPredicate.has(table)) out.set(table, byPredicate.get(table)!);
    else if (!picked.has(table)) continue;
    else if (graph.tables.get(table)!.partitioned) out.set(table, { whole: false, tids: tidSets(picked.get(table)!, names) });
    // Any other table is read without its inheritance children (rowsOf): one heap, its own.
    else out.set(table, { whole: false, tids: [{ relation: qualified(table), ctids: [...picked.get(table)!] }] });
  }
  return out;
}

/**
 * The tables Citus spreads over shards or places (distributed and reference tables), on a Citus
 * coordinator; none elsewhere. Their rows cannot be picked one by one as a subset picks them: a
 * ctid is a place in one shard's heap, so the same ctid names a row in every shard, and a query
 * through the coordinator may read any placement.
 */
async function citusTables(client: SqlClient): Promise<Set<string>> {
  // Two reads, not one that fails without Citus: the copy reads in one transaction, which an error ends.
  const { rows: found } = await client.query<{ citus: boolean }>(`select pg_catalog.to_regclass('pg_catalog.pg_dist_partition') is not null as citus`);
  if (!found[0]?.citus) return new Set();
  const { rows } = await client.query<{ schema: string; table: string }>(`
    select n.nspname as "schema", c.relname as "table"
    from pg_catalog.pg_dist_partition p join pg_catalog.pg_class c on c.oid = p.logicalrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace`);
  return new Set(rows.map((r) => `${r.schema}.${r.table}`));
}

/** A subset that must pick rows of a Citus table one by one: refused before any row moves. */
function citusRefusal(table: string): UsageError {
  return new UsageError(
    `copy.subset: ${table} is a Citus table, whose rows a subset cannot pick one by one (a row's ctid repeats across its shards and placements)`,
    { hint: `copy it whole (copy.subset.tables: { "${table}": "copy" }), or start the subset at it with a where that nothing else must reach it by`, data: { table } },
    'copy_subset_citus',
  );
}

/** The picked `tableoid/ctid`s of a partitioned table, by partition (in the order of their oids, each set's in the order they were taken). */
function tidSets(tids: Set<string>, names: Map<string, string>): TidSet[] {
  const byOid = new Map<string, string[]>();
  for (const tid of tids) {
    const slash = tid.indexOf('/');
    const oid = tid.slice(0, slash);
    (byOid.get(oid) ?? byOid.set(oid, []).get(oid)!).push(tid.slice(slash + 1));
  }
  return [...byOid].sort(([a], [b]) => Number(a) - Number(b)).map(([oid, ctids]) => ({ relation: names.get(oid)!, ctids }));
}

/** The SQL names of the partitions picked rows are in (one catalog query for them all). */
async function relationNames(client: SqlClient, graph: Graph, picked: Map<string, Set<string>>): Promise<Map<string, string>> {
  const oids = new Set<string>();
  for (const [table, tids] of picked) if (graph.tables.get(table)!.partitioned) for (const tid of tids) oids.add(tid.slice(0, tid.indexOf('/')));
  if (!oids.size) return new Map();
  const { rows } = await client.query<{ oid: string; name: string }>(`
    select c.oid::text as oid, pg_catalog.format('%I.%I', n.nspname, c.relname) as name
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where c.oid = any($1::oid[])`, [[...oids]]);
  return new Map(rows.map((r) => [r.oid, r.name]));
}

interface Start {
  /** A predicate on `t`. */
  where: string;
  /** Picks the same rows wherever and however often it is evaluated on one snapshot (a percentage). */
  immutable: boolean;
  share?: number;
  /** The user's `where`s in it, each with where it came from (--subset "…", copy.subset.start[N].where (table)). */
  wheres: Array<{ sql: string; given: string }>;
  /** Those, named together: a failure of the whole predicate is reported against them. */
  given?: string;
}

/** Each start table's predicate: several starts of one table pick the rows any of them picks. */
function startsOf(graph: Graph, subset: CopySubsetConfig): Map<string, Start> {
  const byTable = new Map<string, { wheres: string[]; given: Start['wheres']; percent?: number }>();
  subset.start.forEach((start, i) => {
    const table = known(graph, start.table, start.given ?? `copy.subset.start[${i}]`);
    const s = byTable.get(table) ?? byTable.set(table, { wheres: [], given: [] }).get(table)!;
    if (start.where !== undefined) {
      s.wheres.push(`(${start.where})`);
      s.given.push({ sql: start.where, given: start.given ?? `copy.subset.start[${i}].where (${start.table})` });
    }
    // One hash for every percentage of a table: the larger picks every row the smaller does.
    else s.percent = Math.max(s.percent ?? 0, start.percent ?? 100);
  });
  const out = new Map<string, Start>();
  for (const [table, s] of byTable) {
    const wheres = s.percent === undefined ? s.wheres : [...s.wheres, percentWhere(graph, table, s.percent)];
    const where = wheres.length === 1 ? wheres[0] : wheres.map((w) => `(${w})`).join(' or ');
    const given = s.given.length ? s.given.map((g) => g.given).join(', ') : undefined;
    out.set(table, { where, immutable: !s.wheres.length, share: s.wheres.length ? undefined : s.percent! / 100, wheres: s.given, given });
  }
  return out;
}

/**
 * Each user's `where`, planned on its table before any row is read (EXPLAIN runs nothing): SQL
 * that does not parse, a column, table or function that does not exist, a constant of the wrong
 * type, each is reported against the option or config key it came from, before any data moves.
 * What only running it shows (a division by zero on some row) is reported the same way where it
 * runs: in the subset's fetch or the table's stream.
 */
async function checkWheres(client: SqlClient, graph: Graph, starts: Map<string, Start>): Promise<void> {
  for (const [table, start] of starts) {
    for (const w of start.wheres) {
      await client.query(`explain select from ${rowsOf(table, graph.tables.get(table))} as t where (${w.sql})`).catch((error) => {
        throw whereError(error, w.given, table);
      });
    }
  }
}

/** Runs a read with a start's predicate in it, its failure reported against the user's `where`s. */
async function userWhere<T>(start: Start, table: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw whereError(error, start.given, table);
  }
}

/**
 * SQLSTATE classes a user's `where` raises: its SQL (42: syntax, undefined column, table or
 * function, wrong types), the data it meets (22), a subquery of many rows (21), what it calls
 * (0A, 2F, 38, 39, P0), a function writing in the read-only snapshot (25006). Not 42501: the
 * role's privileges are the permission_denied error's.
 */
function raisedByWhere(sqlstate: string): boolean {
  return sqlstate !== '42501' && (['42', '22', '21', '0A', '2F', '38', '39', 'P0'].includes(sqlstate.slice(0, 2)) || sqlstate === '25006');
}

/**
 * A server error a user's `where` raised, as a one-line usage error naming where it was given
 * (`--subset "people:nosuch = 1": column "nosuch" does not exist`); any other error as it is.
 */
export function whereError(error: unknown, given: string | undefined, table?: string): unknown {
  const e = error as { code?: unknown; severity?: unknown; message?: unknown } | null;
  if (!given || typeof e?.severity !== 'string' || typeof e.code !== 'string' || !raisedByWhere(e.code)) return error;
  return new UsageError(`${given}: ${redact(String(e.message))}`, { data: { option: given, table, sqlstate: e.code }, cause: error }, 'copy_subset_where');
}

/**
 * The start tables whose rows only their own predicate picks: the closure adds rows to a table
 * through a reference into it (as a parent) or through a reference out of it to a table whose
 * children are followed (a start table, or a child of one, at any depth). For the others the
 * subset has to know which rows it already took.
 */
function onlyByPredicate(graph: Graph, starts: Set<string>, childLimit: number): Set<string> {
  const down = new Set(childLimit > 0 ? starts : []);
  for (let size = -1; size !== down.size;) {
    size = down.size;
    for (const r of graph.references) if (down.has(r.to)) down.add(r.from);
  }
  return new Set([...starts].filter((t) => !graph.references.some((r) => r.to === t || (r.from === t && down.has(r.to)))));
}

/** Hashes of a single integer key, by its type: one integer hash instead of printing and hashing text. */
const INTEGER_HASH: Record<string, string> = { smallint: 'hashint2', integer: 'hashint4', bigint: 'hashint8' };

/**
 * A percentage of a table's rows, picked by a hash of each row's primary key (of the whole row
 * when it has none): the same rows each run, a row stays picked when its other columns change.
 * The cheapest deterministic hash for the key: a single integer column is hashed as the integer
 * (hashint8 on 1M rows: a scan's cost plus ~10 %, against ~3× for the row's text), another single
 * column as its text, a composite key as the row of its columns' text.
 */
function percentWhere(graph: Graph, table: string, percent: number): string {
  const t = graph.tables.get(table)!;
  const key = t.primaryKey.map((c) => `t.${quoteIdent(c)}`);
  const integer = t.primaryKey.length === 1 ? INTEGER_HASH[t.columns.find((c) => c.name === t.primaryKey[0])?.type ?? ''] : undefined;
  const hash = integer ? `pg_catalog.${integer}(${key[0]})`
    : key.length === 1 ? `pg_catalog.hashtext(${key[0]}::text)`
    : `pg_catalog.hashtext(${key.length ? `row(${key.join(', ')})` : 't'}::text)`;
  // bigint before abs: a hash can be -2^31, which abs cannot negate as an int.
  return `abs(${hash}::bigint) % 10000 < ${Math.round(percent * 100)}`;
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

/** The rows a selection takes, when it knows them without reading the table (a predicate's are counted by its stream). */
export function selectedRows(selection: Selection): number | null {
  return !selection.whole && 'tids' in selection ? selection.tids.reduce((n, s) => n + s.ctids.length, 0) : null;
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

/** The distinct values of `table`'s reference columns among the rows `where` picks (no ctids: no row is told apart). */
async function fetchValues(client: SqlClient, graph: Graph, table: string, where: string): Promise<Row[]> {
  const columns = referenceColumns(graph, table);
  const select = columns.map((c, i) => `t.${quoteIdent(c)}::text as "c${i}"`);
  const { rows } = await client.query<Record<string, string | null>>(`select distinct ${select.join(', ')} from ${rowsOf(table, graph.tables.get(table))} as t where ${where}`);
  return rows.map((r) => ({ values: Object.fromEntries(columns.map((c, i) => [c, r[`c${i}`]])) }));
}

async function fetchRows(client: SqlClient, graph: Graph, table: string, where: string, parameters: unknown[] = [], limit?: { partition: string[]; limit: number }): Promise<Row[]> {
  const columns = referenceColumns(graph, table);
  // A partitioned table's rows come from several heaps: the tableoid with the ctid (see TidSet).
  const partitioned = graph.tables.get(table)!.partitioned;
  const select = [partitioned ? `t.tableoid::text || '/' || t.ctid::text as "tid"` : 't.ctid::text as "tid"', ...columns.map((c, i) => `t.${quoteIdent(c)}::text as "c${i}"`)];
  const from = rowsOf(table, graph.tables.get(table));
  let sql = `select ${select.join(', ')} from ${from} as t where ${where}`;
  if (limit) {
    const order = graph.tables.get(table)!.primaryKey.map((c) => `t.${quoteIdent(c)}`).join(', ') || (partitioned ? 't.tableoid, t.ctid' : 't.ctid');
    const rank = `row_number() over (partition by ${limit.partition.map((c) => `t.${quoteIdent(c)}`).join(', ')} order by ${order}) as "rank"`;
    sql = `select * from (select ${[...select, rank].join(', ')} from ${from} as t where ${where}) ranked where "rank" <= ${limit.limit}`;
  }
  const { rows } = await client.query<Record<string, string | null>>(sql, parameters);
  return rows.map((r) => ({ tid: r.tid!, values: Object.fromEntries(columns.map((c, i) => [c, r[`c${i}`]])) }));
}

/** Distinct non-null tuples of `columns` among `rows`, in batches. */
function tuplesOf(rows: Row[], columns: string[], when?: Record<string, string>): string[][][] {
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

async function parentsOf(client: SqlClient, graph: Graph, ref: Reference, rows: Row[]): Promise<Row[][]> {
  const out: Row[][] = [];
  for (const batch of tuplesOf(rows, ref.columns, ref.when)) {
    const { where, parameters } = matchTuples(graph, ref.to, ref.toColumns, batch);
    out.push(await fetchRows(client, graph, ref.to, where, parameters));
  }
  return out;
}

async function childrenOf(client: SqlClient, graph: Graph, ref: Reference, rows: Row[], limit: number): Promise<Row[][]> {
  const out: Row[][] = [];
  for (const batch of tuplesOf(rows, ref.toColumns)) {
    const { where, parameters } = matchTuples(graph, ref.from, ref.columns, batch);
    const when = Object.entries(ref.when ?? {}).map(([c, v]) => ` and t.${quoteIdent(c)}::text = ${quoteLiteral(v)}`).join('');
    out.push(await fetchRows(client, graph, ref.from, where + when, parameters, { partition: ref.columns, limit }));
  }
  return out;
}

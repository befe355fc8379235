import type { MaskRule } from '../config/copy.js';
import { digestOf, emptySums } from '../catalog/contents.js';
import type { SqlClient } from '../driver/database.js';
import type { CopyTable, Graph } from './graph.js';
import { qualified } from './graph.js';
import type { StreamedContents } from './manifest.js';

/**
 * Which tables the manifest can hash in their streams (CopyDigest over the lines the target loads)
 * instead of reading every row back: only where those lines are exactly the target's rows as the
 * target prints them. That holds when:
 * - both servers print floats shortest-exact whatever extra_float_digits (PostgreSQL 12+), the
 *   source's other output settings being the canonical ones (source.ts);
 * - the table is a plain table (no partitions, no inheritance children: those are hashed by leaf,
 *   or include their children's rows), empty before the copy (a migration may have put rows in it);
 * - the COPY lists every column of the target's row, in order (no generated column, no drift);
 * - every masked value reads back as written: a type that stores text as given, or a masker whose
 *   output is already in its type's canonical form. Unmasked values are the source's own output,
 *   which the same type prints back the same.
 * The others are hashed on the server (manifestOf), as before.
 */
export interface DigestPlan {
  /** Tables whose streams hash their lines. */
  streamed: Set<string>;
  /** Tables empty before the copy: the ones that get no rows are known without reading them. */
  empty: Set<string>;
}

/** What the digest plan needs of the target: its plain tables, those of them empty, its server's version. */
export interface TargetTables {
  plain: string[];
  empty: string[];
  version: number;
}

/** Reads the target's TargetTables (two round trips): before any row is copied into it. */
export async function readTargetTables(target: SqlClient, graph: Graph): Promise<TargetTables> {
  const tables = [...graph.tables.keys()];
  if (!tables.length) return { plain: [], empty: [], version: 0 };
  const { rows: plain } = await target.query<{ key: string; version: string }>(`
      select format('%s.%s', n.nspname, c.relname) as key, current_setting('server_version_num') as version
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and not c.relispartition and not exists (select 1 from pg_catalog.pg_inherits i where i.inhparent = c.oid)
        and format('%s.%s', n.nspname, c.relname) = any($1::text[])`, [tables]);
  // One round trip for every table's emptiness (a plain one is empty when it has no first row).
  const plainKeys = plain.map((p) => p.key);
  const { rows: filled } = plainKeys.length
    ? await target.query<{ key: string }>(plainKeys.map((key, i) => `select $${i + 1}::text as key where exists (select 1 from only ${qualified(key)})`).join('\nunion all\n'), plainKeys)
    : { rows: [] };
  const nonEmpty = new Set(filled.map((f) => f.key));
  return { plain: plainKeys, empty: plainKeys.filter((k) => !nonEmpty.has(k)), version: Number(plain[0]?.version ?? 0) };
}

export async function planStreamDigests(options: {
  /** The source's server_version_num, or the source to ask for it. */
  sourceVersion?: number;
  source?: SqlClient;
  target: SqlClient;
  /** What readTargetTables gives (read now if not given). */
  targetTables?: TargetTables;
  graph: Graph;
  jobs: Array<{ table: string; columns: string[] }>;
  rules: Map<string, Map<string, MaskRule>>;
  drift: boolean;
}): Promise<DigestPlan> {
  const { graph } = options;
  if (!graph.tables.size) return { streamed: new Set(), empty: new Set() };
  const [sourceVersion, target] = await Promise.all([
    options.sourceVersion ?? serverVersion(options.source!),
    options.targetTables ?? readTargetTables(options.target, graph),
  ]);
  const empty = new Set(target.empty);
  const streamed = new Set<string>();
  if (options.drift || sourceVersion < 120000 || target.version < 120000) return { streamed, empty };
  for (const job of options.jobs) {
    const table = graph.tables.get(job.table);
    if (table && empty.has(job.table) && linesAreRows(table, job.columns, options.rules.get(job.table))) streamed.add(job.table);
  }
  return { streamed, empty };
}

/**
 * Whether the lines a stream of `columns` writes are `table`'s rows as its server prints them: every
 * column, in order, none generated, each masked value reading back as written.
 */
export function linesAreRows(table: CopyTable, columns: string[], rules: Map<string, MaskRule> | undefined): boolean {
  const all = table.columns.map((c) => c.name);
  if (table.columns.some((c) => c.generated) || all.length !== columns.length || all.some((c, i) => c !== columns[i])) return false;
  return table.columns.every((c) => readsBack(rules?.get(c.name), c.type));
}

/** Tables that were empty and got no rows: their manifest entry, without a query. */
export function emptyContents(plan: DigestPlan, copied: Set<string>): StreamedContents {
  const none = { rows: 0, digest: digestOf(emptySums()) };
  return new Map([...plan.empty].filter((t) => !copied.has(t)).map((t) => [t, none] as const));
}

async function serverVersion(client: SqlClient): Promise<number> {
  const { rows } = await client.query<{ version: string }>(`select current_setting('server_version_num') as version`);
  return Number(rows[0].version);
}

/** Types that store a text value as it was given and print it back unchanged. */
const TEXT_TYPES = /^(text|citext|character varying)$/;
/**
 * varchar(n) silently cuts trailing spaces past n: fine for the maskers whose output never ends in
 * one, not for free text, constants or functions.
 */
const BOUNDED_TEXT = /^character varying\(\d+\)$/;
const NO_TRAILING_SPACE = new Set<MaskRule>(['email', 'phone', 'name', 'firstName', 'lastName', 'address', 'ip', 'hash']);

/** Whether a column's values (masked by `rule`, if any) print back from the target as they were written. */
function readsBack(rule: MaskRule | undefined, type: string): boolean {
  if (rule === undefined || rule === 'keep' || rule === 'null') return true;
  if (typeof rule === 'object' && rule.constant === null) return true;
  if (TEXT_TYPES.test(type)) return true;
  if (BOUNDED_TEXT.test(type) && NO_TRAILING_SPACE.has(rule)) return true;
  // The maskers whose output is their type's own text form (maskers.ts): a dotted quad, a lowercase uuid.
  return (rule === 'ip' && type === 'inet') || (rule === 'hash' && type === 'uuid');
}

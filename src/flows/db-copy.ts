import type { CopyConfig, CopySubsetConfig } from '../config/copy.js';
import type { CopiedTable } from '../copy/copied-table.js';
export type { CopiedTable } from '../copy/copied-table.js';
import { withParsedTarget, withUrl, type ResolvedConfig } from '../config/resolve.js';
import { prepareReplacement, type Replacement } from '../driver/replace.js';
import { connectionLostError, isConnectionLost } from '../driver/connection-lost.js';
import { openDatabaseFor } from '../driver/open-for.js';
import type { Database } from '../driver/database.js';
import { databaseKeyOf, describeTarget, networkHostOf, type Target } from '../driver/target.js';
import { ConnectionError, isDbctlError, RefusedError, UsageError } from '../errors.js';
import type { GuardOptions } from '../guard/index.js';
import { keyOf, readGraph, rowsOf, tableKey, type Graph } from '../copy/graph.js';
import { manifestOf, type CopyManifest, type StreamedContents } from '../copy/manifest.js';
import { emptyContents, linesAreRows, planStreamDigests } from '../copy/stream-digest.js';
import { openSource, sqlClientOf, type Source } from '../copy/source.js';
import { assertAllRuled } from '../copy/strict.js';
import { streamTable, type StreamJob, type StreamProgress } from '../copy/stream.js';
import { computeSubset, known, selectedRows, withVirtualKeys, type Selection } from '../copy/subset.js';
import { prepareTarget, uniqueViolated } from '../copy/target.js';
import { copyKeptTables } from '../copy/keep.js';
import { lineTransform, rulesByTable } from '../copy/mask-plan.js';
import { suggestRules, type Suggestion } from '../copy/suggest.js';
import { schemaDriftLines } from '../copy/drift.js';
import { readSourceFacts } from '../copy/source-cache.js';
import { readTargetFacts } from '../copy/target-cache.js';
import type { SchemaSnapshot } from '../schema/model.js';
import { Prefetch, PREFETCH_BYTES } from '../copy/prefetch.js';
import type { MaskKit } from '../copy/maskers.js';

/** `force` and `confirm` (src/guard): what a protected target needs; the copy asks the guard itself. */
export interface DbCopyOptions extends GuardOptions {
  /** The target side's config: its migrations build the schema, its environment's protection guards it. */
  config: ResolvedConfig;
  /** The source: only read. */
  from: Target;
  /** The source is production (a protected environment, or a productionHosts match): strict masking by default. */
  fromProtected?: boolean;
  /** Where the copy goes: a server database or a pglite:// folder (default: config.target). */
  into?: Target;
  /** Instead of `into`: build the test-database template NAME (clone it with createTestDatabase({ copy: NAME })). */
  testdb?: string;
  /** Default: the config's `copy` section. */
  copy?: CopyConfig;
  /** Replaces copy.subset; null copies every row. */
  subset?: CopySubsetConfig | null;
  /** More tables whose target rows are kept. */
  keep?: string[];
  jobs?: number;
  /** Copy the columns both sides share when the source's schema differs from what the migrations build. */
  allowDrift?: boolean;
  /** Default: copy.strict, else on when the source is protected. */
  strict?: boolean;
  /** The masking secret (default DBCTL_COPY_SECRET). */
  secret?: string;
  signal?: AbortSignal;
  onEvent?: (event: CopyEvent) => void;
}

export type CopyEvent =
  | { type: 'planned'; tables: Array<{ table: string; rows: number | null; kept: boolean }> }
  | { type: 'progress'; table: string; rows: number; bytes: number; expectedRows: number | null; milliseconds: number }
  | { type: 'table'; table: string; rows: number; bytes: number; milliseconds: number }
  | { type: 'verified' };


export interface CopyReport {
  source: string;
  target: string;
  snapshot: string;
  strict: boolean;
  tables: CopiedTable[];
  manifest: CopyManifest;
  /** Where the time went, phase by phase (phases that overlap run side by side). */
  phases: CopyPhase[];
  milliseconds: number;
}

export interface CopyPhase {
  phase: string;
  /** When it started, from the start of the copy. */
  atMs: number;
  milliseconds: number;
}

/** Times the copy's phases for the report: what a profile of a copy starts from. */
class PhaseClock {
  readonly phases: CopyPhase[] = [];
  constructor(private readonly started: number) {}
  /** A phase that began at `at` (performance.now()) and ends now. */
  since(phase: string, at: number): void {
    this.phases.push({ phase, atMs: Math.round(at - this.started), milliseconds: Math.round(performance.now() - at) });
  }
  async time<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const at = performance.now();
    try {
      return await fn();
    } finally {
      this.phases.push({ phase, atMs: Math.round(at - this.started), milliseconds: Math.round(performance.now() - at) });
    }
  }
}

/**
 * `dbctl db copy`: the source read on one snapshot, the target's schema built from the migrations
 * in a new database beside it, the rows (a foreign-key-closed subset, masked in this stream)
 * copied in, every foreign key checked, a manifest taken, and only then the target replaced. Any
 * failure, a lost connection or an abort removes the new database: the target stays as it was.
 */
export async function copyDatabase(options: DbCopyOptions): Promise<CopyReport> {
  const started = performance.now();
  const clock = new PhaseClock(started);
  const { config } = options;
  const { copyTemplateTarget } = await import('../testdb/index.js');
  const template = options.testdb === undefined ? undefined : copyTemplateTarget(config, options.testdb);
  const into = template?.target ?? options.into ?? config.target;
  const copy = options.copy ?? config.copy;
  const { assertDestructiveAllowed } = await import('../guard/index.js');
  await assertDestructiveAllowed({ config, target: into, operation: 'db copy', force: options.force, confirm: options.confirm });
  // The target is replaced whole: copying a database onto itself would put a masked subset in its place.
  if (databaseKeyOf(into) !== undefined && databaseKeyOf(into) === databaseKeyOf(options.from) && networkHostOf(into) === networkHostOf(options.from)) {
    throw new UsageError(`db copy: the source and the target are the same database (${describeTarget(into)}); nothing was copied`, { hint: 'name another database with --into' });
  }
  const { assertMigrationsFolder } = await import('../config/folders.js');
  assertMigrationsFolder(config.migrations.dir);
  const jobs = Math.max(1, options.jobs ?? copy.jobs ?? 1);
  // The source opens beside the template check; it is read (schema, graph, subset) while the
  // target's database is created. A source that cannot be opened fails the copy before anything is
  // made on the target's server (a mistyped --from writes nothing there).
  const opening = clock.time('open source', () => openSource(options.from, jobs)).catch((error) => { throw lost(error, 'opening the source'); });
  opening.catch(() => {}); // awaited below; a failure meanwhile is the copy's
  let source: Source | undefined;
  let replacement: Replacement | undefined;
  let built: Database | undefined;
  let masking: Promise<typeof import('../copy/maskers.js')> | undefined;
  // The maskers, wanted once the source's biggest table is read ahead (readSource); loaded only once
  // the new database's CREATE is sent (see below), and only when a rule masks something: with none
  // (or only `keep`), no line is transformed and faker's word lists are not loaded at all.
  const masks = Object.values(copy.mask ?? {}).some((rule) => rule !== 'keep');
  let loadMasking!: () => void;
  const maskingWanted = new Promise<void>((resolve) => (loadMasking = resolve));
  const kit = maskingWanted.then(async () => {
    if (!masking) return null;
    const { MaskKit } = await masking;
    const secret = options.secret ?? process.env.DBCTL_COPY_SECRET;
    return secret ? new MaskKit(secret) : null;
  });
  kit.catch(() => {}); // awaited where used; a failure meanwhile is the copy's
  // The source is read (its schema, graph, subset, then its biggest table's rows, into memory) on
  // its session while the target is made and migrated beside it: neither waits for the other
  // until the streams are planned.
  const reading = opening.then((opened) => readSource(options, copy, opened, clock, kit));
  reading.catch(() => {}); // awaited in fill; a failure meanwhile is the copy's
  /** The source once it has opened (undefined if it could not be). */
  const opened = async () => source ?? (await opening.catch(() => undefined));
  let templating: Promise<unknown> | undefined;
  try {
    const { migratedTemplateOf } = await import('../testdb/index.js');
    // A server target is created from the project's migrated test template (built once, shared with testdb).
    // A template that must be built first waits for the source to open: a mistyped --from makes nothing.
    const cloning = clock.time('template', () => migratedTemplateOf(withParsedTarget(config, into), () => opening));
    templating = cloning.catch(() => {});
    let cloned: Awaited<typeof cloning>;
    let creating = 0;
    // The new database's CREATE (0.1-1 s on the server) is what the rows wait for: the connections
    // it needs open beside the source and the template check, and it is sent the moment both are
    // done. Nothing is made on the target's server before the source has opened.
    replacement = await prepareReplacement(into, {
      cwd: config.cwd,
      connectTimeoutMs: config.connectTimeoutMs,
      ready: async () => {
        cloned = await cloning;
        await opening;
        return cloned?.name;
      },
      onCreate: () => {
        creating = performance.now();
        // The maskers (faker's word lists, ~40 ms to load) and Kysely (~150 ms), first used once the
        // streams are planned, load while the server creates the database: loaded any earlier, they
        // hold up the connections and queries the CREATE waits for by as much.
        if (masks) {
          masking = import('../copy/maskers.js');
          masking.catch(() => {}); // awaited in fill
        }
        loadMasking();
        import('kysely').catch(() => {});
        // So do the migrator (its no-op check on the clone) and the target's COPY: the first things
        // the new database runs, which would otherwise load once it exists.
        import('../migrate/migrator.js').catch(() => {});
        import('pg-copy-streams').catch(() => {});
      },
    });
    clock.since('create database', creating);
    source = await opening;
    const made = replacement;
    built = await clock.time('open database', () => openDatabaseFor(withUrl(config, made.url), 'command', { poolSize: Math.min(jobs, 8) + 1, statementTimeoutMs: 0 }));
    const report = await fill({ options, copy, source, built, replacement, jobs, into, clock, reading, kit, template: cloned! });
    const open = built;
    built = undefined;
    const read = source;
    // Only the new database's sessions must be gone for its rename: the source's end beside it.
    const reader = read.close();
    reader.catch(() => {}); // awaited after the rename; a failure before it is the copy's
    await clock.time('close', () => open.close());
    checkAborted(options.signal);
    await clock.time('rename', async () => {
      await made.commit();
      if (template) await markTemplate(into, config);
    });
    await reader;
    return { ...report, phases: clock.phases, milliseconds: Math.round(performance.now() - started) };
  } catch (error) {
    // The source first, its sockets dropped: a COPY stopped mid-stream leaves its backend blocked
    // writing to a socket no one reads, where it cannot answer the barrier DROP DATABASE waits for.
    await (await opened())?.close({ abort: true });
    // The new database's pool ends only once its sessions are back, and a session stuck mid-COPY
    // (the target slow, a trigger waiting) never comes back by itself: give it a moment, then the
    // forced drop of the partial copy ends its sessions, and so the pool.
    const closing = built?.close().catch(() => {});
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    await replacement?.discard().catch(() => {});
    await closing;
    // A template check (or build) still under way when the target's server failed ends first.
    await templating;
    throw options.signal?.aborted ? interrupted(options.signal) : lost(error, 'the copy');
  } finally {
    await (await opened())?.close();
  }
}

/** The copy is a test-database template now: frozen, and cloned from. */
async function markTemplate(into: Target, config: ResolvedConfig): Promise<void> {
  const { openHostOf } = await import('../driver/host.js');
  const { host, name } = await openHostOf(into, { cwd: config.cwd, connectTimeoutMs: config.connectTimeoutMs, operation: 'db copy' });
  try {
    await host.markTemplate(name);
  } finally {
    await host.close();
  }
}

interface Run {
  options: DbCopyOptions;
  copy: CopyConfig;
  source: Source;
  built: Database;
  replacement: Replacement;
  jobs: number;
  into: Target;
  clock: PhaseClock;
  reading: Promise<SourceRead>;
  kit: Promise<MaskKit | null>;
  /** The migrated template the target was cloned from (a server's), and its identity when known. */
  template: { name: string; identity?: string } | undefined;
}

interface SourceRead {
  schema: SchemaSnapshot;
  graph: Graph;
  /** Every table whole, if not a subset. */
  selections: Map<string, Selection>;
  /** What the source holds of each table to copy (catalog estimates), by table. */
  estimates: Map<string, NonNullable<StreamJob['estimate']>>;
  sourceVersion: number;
  /** The biggest table's rows, being read from the source already (on the lead session). */
  ahead: Prefetch | undefined;
}

/**
 * What the copy reads of the source before any row moves, on the lead session (one query at a
 * time); then the biggest table's rows start to be read ahead on it, masked, into memory (at most
 * PREFETCH_BYTES), while the target's database is still being created. The lead runs no other query
 * until that table is streamed (or its read-ahead discarded).
 */
async function readSource(options: DbCopyOptions, copy: CopyConfig, source: Source, clock: PhaseClock, kit: Promise<MaskKit | null>): Promise<SourceRead> {
  const { config } = options;
  const lead = sqlClientOf(source.lead);
  const facts = await clock.time('source schema', () => readSourceFacts(lead, config, bookkeepingOf(config), options.from));
  if (facts.cached) clock.phases.at(-1)!.phase = 'source schema (cached)';
  const { schema } = facts;
  const graph = withVirtualKeys(facts.graph, copy.virtualForeignKeys);
  const subset = options.subset === undefined ? copy.subset : options.subset ?? undefined;
  const selections = subset ? await clock.time('subset', () => computeSubset(lead, graph, subset)) : wholeTables(graph);
  // The streams as they would be if the target had the source's schema: what the target's plan
  // (fill) almost always is. Their sizes are the source's; the biggest is read ahead.
  const planned = await clock.time('source plan', () => largestFirst(lead, planJobs(graph, graph, selections, [])));
  const sourceVersion = Number((await source.lead.query<{ version: string }>(`select current_setting('server_version_num') as version`)).rows[0].version);
  const estimates = new Map(planned.map((j) => [j.table, j.estimate!] as const));
  const kept = new Set([...(copy.keep ?? []), ...(options.keep ?? [])].map((t) => tableKey(t)));
  const first = planned.find((j) => !kept.has(j.table));
  const ahead = first && (await readAhead(first, graph, copy, kit, source, clock));
  return { schema, graph, selections, estimates, sourceVersion, ahead };
}

/** Starts reading `job`'s rows ahead, masked (undefined if its masking cannot be set up: fill says why, in its turn). */
async function readAhead(job: StreamJob, graph: Graph, copy: CopyConfig, kit: Promise<MaskKit | null>, source: Source, clock: PhaseClock): Promise<Prefetch | undefined> {
  const rules = rulesByTable(copy.mask).get(job.table);
  let transform: StreamJob['transform'];
  try {
    transform = lineTransform(job.table, job.columns, rules, rules ? await kit : null);
  } catch {
    return undefined;
  }
  // Hashed as read when the target will most likely take its lines as its rows (the source's own
  // schema says so; the digest plan decides, once the target is known).
  const hash = linesAreRows(graph.tables.get(job.table)!, job.columns, rules);
  const ahead = await Prefetch.start(source.lead, { ...job, transform }, PREFETCH_BYTES, { hash });
  void clock.time('read ahead', () => ahead.finished);
  return ahead;
}

async function fill(run: Run): Promise<Omit<CopyReport, 'milliseconds' | 'phases'>> {
  const { options, copy, source, built, clock } = run;
  const { config } = options;
  const bookkeeping = bookkeepingOf(config);
  const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
  await clock.time('migrate', () => new Migrator({ database: built, ...migratorConfig(withUrl(config, run.replacement.url)) }).up());
  // The target's graph and schema (what the migrations built) for the drift check and the plan.
  const cloneOf = run.template && run.into.kind === 'pg' ? { ...run.template, server: `${run.into.host}:${run.into.port}` } : undefined;
  const facts = await clock.time('target schema', () => readTargetFacts(built, config, bookkeeping, cloneOf));
  if (facts.cached) clock.phases.at(-1)!.phase = 'target schema (cached)';
  const { graph: targetGraph, schema: expected } = facts;
  const read = await clock.time('wait for the source', () => run.reading);
  const drift = schemaDriftLines(read.schema, expected);
  if (drift.length && !options.allowDrift) {
    throw new RefusedError(`db copy refused: the source's schema differs from what the migrations build; nothing was copied`, {
      hint: `${drift.slice(0, 12).join('\n')}\nmigrate the source, or pass --allow-drift to copy the columns both sides share`,
      data: { drift },
    }, 'copy_drift');
  }
  const sourceGraph = read.graph;
  const keep = [...(copy.keep ?? []), ...(options.keep ?? [])].map((t) => known(targetGraph, t, '--keep'));
  const selections = read.selections;
  const strict = options.strict ?? copy.strict ?? !!options.fromProtected;
  const rules = rulesByTable(copy.mask);
  // The sizes the source plan read (the lead is reading ahead: it runs no query now).
  const jobsList = await clock.time('plan', async () => planJobs(sourceGraph, targetGraph, selections, keep)
    .map((j) => ({ ...j, estimate: read.estimates.get(j.table) ?? { rows: 0, bytes: 0 } }))
    .sort((a, b) => b.estimate.bytes - a.estimate.bytes));
  if (strict) assertAllRuled(jobsList.map((j) => sourceGraph.tables.get(j.table)!).map((t) => ({ ...t, columns: t.columns.filter((c) => jobsList.find((j) => j.table === keyOf(t))!.columns.includes(c.name)) })), rules, copy.safe ?? [], config.migrations.dir);
  const kit = await run.kit;
  for (const j of jobsList) j.transform = lineTransform(j.table, j.columns, rules.get(j.table), kit);
  // The rows read ahead are this plan's stream when it reads the same columns of the same rows.
  const ahead = read.ahead;
  const aheadJob = ahead && jobsList.find((j) => j.table === ahead.job.table && j.selection === ahead.job.selection && sameList(j.columns, ahead.job.columns));
  const digests = await clock.time('digest plan', () => planStreamDigests({ sourceVersion: read.sourceVersion, target: built, targetTables: facts.tables, graph: targetGraph, jobs: jobsList, rules, drift: drift.length > 0 }));
  for (const j of jobsList) j.digest = digests.streamed.has(j.table);
  options.onEvent?.({ type: 'planned', tables: [...jobsList.map((j) => ({ table: j.table, rows: selectedRows(j.selection), kept: false })), ...keep.map((table) => ({ table, rows: null, kept: true }))] });

  const all = [...targetGraph.tables.keys()];
  const loaded = [...jobsList.map((j) => j.table), ...(run.replacement.targetExists ? keep : [])];
  const bulky = jobsList.filter((j) => (j.estimate?.rows ?? Infinity) >= DEFER_INDEXES_ROWS).map((j) => j.table);
  const target = await clock.time('prepare target', () => built.session(async (client) => prepareTarget(client, loaded, bulky)));
  // Not wanted after all: read to its end (the lead is free again), dropped.
  if (ahead && !aheadJob) await clock.time('discard read-ahead', () => ahead.discard(options.signal));
  const streamed: StreamedContents = new Map();
  const tables = await clock.time('streams', () => runStreams(run, jobsList, rules, streamed, aheadJob ? { job: aheadJob, rows: ahead! } : undefined));
  if (keep.length && run.replacement.targetExists) tables.push(...(await clock.time('kept tables', () => copyKeptTables(config, run.into, built, keep))));
  await built.session(async () => target.finish((phase, fn) => clock.time(phase, fn)));
  options.onEvent?.({ type: 'verified' });
  const snapshotAt = (await source.lead.query<{ at: string }>(`select to_char(pg_catalog.now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at`)).rows[0].at;
  const hashed = new Map([...emptyContents(digests, new Set(tables.map((t) => t.table))), ...streamed]);
  const manifest: CopyManifest = { manifestVersion: 1, snapshotAt, tables: await clock.time('manifest', () => manifestOf(built, bookkeeping, Math.min(run.jobs, 8), hashed)) };
  const copied = new Set(tables.map((t) => t.table));
  for (const table of all) if (!copied.has(table)) tables.push({ table, mode: 'empty', rows: 0, bytes: 0, masked: [], milliseconds: 0 });
  tables.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  return { source: describeTarget(options.from), target: describeTarget(run.into), snapshot: source.snapshot, strict, tables, manifest };
}

/** The migration history and dbctl's own tables: built by the migrations, never copied or hashed. */
function bookkeepingOf(config: ResolvedConfig): (key: string) => boolean {
  const m = config.migrations;
  const names = new Set([m.table, m.lockTable, m.historyTable].map((t) => `${m.schema}.${t}`));
  return (key) => names.has(key) || key.startsWith(`${m.schema}.dbctl_`);
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function wholeTables(graph: Graph): Map<string, Selection> {
  return new Map([...graph.tables.keys()].map((k) => [k, { whole: true } as Selection]));
}

/** A stream per table that has rows to copy and exists on both sides, with the columns both have. */
function planJobs(source: Graph, target: Graph, selections: Map<string, Selection>, keep: string[]): StreamJob[] {
  const jobs: StreamJob[] = [];
  for (const [table, selection] of selections) {
    const there = target.tables.get(table);
    if (!there || keep.includes(table)) continue;
    if (selectedRows(selection) === 0) continue;
    const have = new Set(source.tables.get(table)!.columns.filter((c) => !c.generated).map((c) => c.name));
    const columns = there.columns.filter((c) => !c.generated && have.has(c.name)).map((c) => c.name);
    jobs.push({ table, columns, selection, transform: null, partitioned: source.tables.get(table)!.partitioned });
  }
  return jobs;
}

/**
 * The streams, the biggest first (by the source's table sizes, a subset's scaled by its share of
 * rows): with --jobs, a big table started last would leave every other stream idle at the end.
 * Each job gets its estimated rows (the target's indexes are deferred only for the big ones).
 */
async function largestFirst(lead: ReturnType<typeof sqlClientOf>, jobs: StreamJob[]): Promise<StreamJob[]> {
  if (!jobs.length) return jobs;
  // Catalog and statistics only: pg_relation_size would wait on a table someone holds locked, before
  // the copy's own COPY does. A plain table is its own tree (pg_partition_tree lists nothing for it).
  const { rows } = await lead.query<{ key: string; bytes: string; tuples: string }>(`
    select format('%s.%s', n.nspname, c.relname) as key,
      sum(pc.relpages::bigint * current_setting('block_size')::bigint)::text as bytes,
      sum(greatest(pc.reltuples, pg_catalog.pg_stat_get_live_tuples(pc.oid)))::text as tuples
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    cross join lateral (select c.oid as relid union select p.relid from pg_catalog.pg_partition_tree(c.oid) p where p.isleaf) t
    join pg_catalog.pg_class pc on pc.oid = t.relid
    where c.relkind in ('r', 'p') and format('%s.%s', n.nspname, c.relname) = any($1::text[])
    group by 1`, [jobs.map((j) => j.table)]);
  // A table not vacuumed or analyzed since it was filled has stale counts: its live rows (statistics) stand in.
  const tuples = new Map(rows.map((r) => [r.key, Number(r.tuples)] as const));
  const bytes = new Map(rows.map((r) => [r.key, Number(r.bytes) || Number(r.tuples) * 100] as const));
  for (const j of jobs) {
    const all = tuples.get(j.table) ?? 0;
    const perRow = all ? (bytes.get(j.table) ?? 0) / all : 0;
    const rows = await estimatedRows(lead, j, all);
    j.estimate = { rows, bytes: perRow * rows };
  }
  return [...jobs].sort((a, b) => b.estimate!.bytes - a.estimate!.bytes);
}

/** The rows a selection takes of a table of `all` rows: counted, a percentage's share, or the planner's estimate (EXPLAIN reads no row). */
async function estimatedRows(lead: ReturnType<typeof sqlClientOf>, job: StreamJob, all: number): Promise<number> {
  const { selection } = job;
  if (selection.whole) return all;
  if ('tids' in selection) return selectedRows(selection)!;
  if (selection.share !== undefined) return Math.round(all * selection.share);
  const { rows } = await lead.query<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(`explain (format json) select from ${rowsOf(job.table, job)} as t where ${selection.where}`);
  return rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
}

/**
 * Runs the streams, `jobs` at a time on a server target (one at a time into PGlite: one session).
 * The table read ahead goes first, on the lead's worker: its COPY is the lead's until it ends.
 */
async function runStreams(run: Run, jobsList: StreamJob[], rules: Map<string, Map<string, unknown>>, streamed: StreamedContents, ahead: { job: StreamJob; rows: Prefetch } | undefined): Promise<CopiedTable[]> {
  const { built, source, options } = run;
  const parallel = built.capabilities.concurrentSessions ? source.streams.length : 1;
  const queue = jobsList.filter((j) => j !== ahead?.job);
  const done: CopiedTable[] = [];
  const worker = async (client: Source['streams'][number]) => {
    let first = client === source.lead ? ahead?.job : undefined;
    for (let job = first ?? queue.shift(); job; job = queue.shift()) {
      const rows = job === first ? ahead!.rows : client;
      first = undefined;
      checkAborted(options.signal);
      const t0 = performance.now();
      const expectedRows = job.selection.whole ? null : selectedRows(job.selection) ?? job.estimate?.rows ?? null;
      const onProgress = (p: StreamProgress) => options.onEvent?.({ type: 'progress', ...p, expectedRows, milliseconds: performance.now() - t0 });
      const current = job;
      const p = await built.transaction({ begin: TEXT_SETTINGS }, (trx) => streamTable(rows, trx, current, { signal: options.signal, onProgress })).catch((error) => {
        throw uniqueViolated(error);
      });
      const milliseconds = Math.round(performance.now() - t0);
      // The stream's digest stands for the table only if the target loaded every row it was sent.
      if (p.contents && p.loaded === p.rows && p.contents.rows === p.rows) streamed.set(job.table, p.contents);
      const masked = [...(rules.get(job.table)?.entries() ?? [])].filter(([c, r]) => r !== 'keep' && job.columns.includes(c)).map(([c]) => c);
      done.push({ table: job.table, mode: job.selection.whole ? 'all' : 'subset', rows: p.rows, bytes: p.bytes, masked, milliseconds });
      options.onEvent?.({ type: 'table', table: job.table, rows: p.rows, bytes: p.bytes, milliseconds });
    }
  };
  await Promise.all(source.streams.slice(0, parallel).map(worker));
  return done;
}

/**
 * A table expected to get at least this many rows has its indexes dropped while it loads and built
 * once after; a smaller one keeps them (maintaining them row by row costs less than a drop and a
 * build: a schema of hundreds of small tables spent seconds on that).
 */
const DEFER_INDEXES_ROWS = 10_000;

/** How the target reads the text the source wrote (the source's sessions set the same). */
const TEXT_SETTINGS = `set local datestyle = 'ISO, MDY'; set local intervalstyle = 'postgres'; set local timezone = 'UTC'`;

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

function interrupted(signal: AbortSignal): ConnectionError {
  return copyInterrupted(signal.reason);
}

/** The one line an interrupted copy ends with (exit 3): `reason` is the abort's (its data names the signal). */
export function copyInterrupted(why: unknown): ConnectionError {
  const reason = why as { data?: { signal?: string } } | undefined;
  const name = reason?.data?.signal ?? 'an abort';
  return new ConnectionError(`db copy interrupted by ${name}: the target is unchanged and the partial copy was removed`, { data: { signal: name } }, 'copy_interrupted');
}

function lost(error: unknown, what: string): unknown {
  if (isDbctlError(error) || !isConnectionLost(error)) return error;
  return connectionLostError(`db copy (${what})`, error, 'the target is unchanged and the partial copy was removed');
}

export { tableKey, type Suggestion };

/** `db copy --suggest`: rules proposed for every column of the source, read on one snapshot; nothing is copied. */
export async function suggestCopyRules(options: { config: ResolvedConfig; from: Target }): Promise<Suggestion[]> {
  const source = await openSource(options.from, 1).catch((error) => { throw lost(error, 'opening the source'); });
  try {
    const lead = sqlClientOf(source.lead);
    return await suggestRules(lead, await readGraph(lead, bookkeepingOf(options.config)));
  } finally {
    await source.close();
  }
}

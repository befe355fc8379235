import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../driver/database.js';
import { CheckFailedError, OperationError, RefusedError, UsageError } from '../errors.js';
import { assertDestructiveAllowed, type GuardOptions, type Protection } from '../guard/index.js';
import { connectionLostError, isConnectionLost } from '../driver/connection-lost.js';
import { checksumOfMigration, listMigrationFolder, listProvidedMigrations, type MigrationFile, type MigrationProvider } from './files.js';
import { describeSession, LOCK_LOST_SQLSTATE, lockBlockers, lockHeldCheck, lockHolder, withRunLock, type LockHolder } from './lock.js';
import { planStatus, summarize, type MigrationStatusEntry, type StatusSummary } from './plan.js';
import { formatFailure } from './report.js';
import type { Direction, FailureInfo, Prepared, RetryEvent } from './runner.js';
import type { Batch } from './deferred-ddl.js';
import type { PeerAdoption } from './adopt-peers.js';
import type { PlaceholderSource } from './placeholders.js';
import { dryRunFacts } from './artifacts-facts.js';
import { recogniseSquashes } from './squash-baseline.js';
import { DEFAULT_STORE_NAMES, MARK, MigrationStore, SERVER_DURATION_MS, type AppliedMigration, type Duration, type StoreNames } from './store.js';

/** lock_timeout: a statement gave up waiting for a lock (runner.ts retries it first). */
const LOCK_NOT_AVAILABLE_SQLSTATE = '55P03';

export type MigrateEvent =
  | { type: 'lock-wait'; holder: LockHolder | null }
  | { type: 'start'; name: string; direction: Direction; /** 1-based position in this run, of `total`. */ index?: number; total?: number }
  | { type: 'done'; name: string; direction: Direction; durationMs: number; /** Its section holds no statements: nothing ran, only the bookkeeping changed. */ empty?: boolean }
  | { type: 'retry'; retry: RetryEvent }
  | { type: 'adopted'; names: string[] }
  | { type: 'adopted-peer'; adoption: PeerAdoption }
  /** Something in the migrations folder that is not read (a `.txt`, a subfolder, a dangling symlink), named once per Migrator. */
  | { type: 'note'; message: string }
  | { type: 'dry-run'; name: string; direction: Direction; statements: string[]; executed: boolean };

export interface MigrationResult {
  name: string;
  direction: Direction;
  status: 'success' | 'failed' | 'not-run' | 'dry-run';
  durationMs?: number;
  /** The SQL a dry run would run (or captured, for TS). */
  statements?: string[];
  /** Its section (SQL) holds no statements: nothing ran, only the bookkeeping changed. */
  empty?: boolean;
  /** Dry run: what review artifacts need (artifacts.ts). */
  transaction?: boolean;
  /** Dry run of a TS/JS migration: each captured statement's parameters, when any has some. */
  parameters?: Array<readonly unknown[]>;
  /** Dry run of a SQL migration with placeholders: its text for psql, env placeholders as psql variables. */
  psql?: { sql: string; variables: string[] };
}

export interface RunReport {
  direction: Direction;
  /** What the run did: ran migrations, or only marked them applied (`baseline`), or reverted and re-applied one (`redo`). */
  kind?: 'run' | 'baseline' | 'redo';
  batch: number | null;
  dryRun: boolean;
  results: MigrationResult[];
  /** Migrations applied by Kysely's own Migrator that this run adopted (their checksums recorded), when any. */
  adopted?: string[];
}

export interface UpOptions {
  step?: number;
  to?: string;
  singleTransaction?: boolean;
  allowDrift?: boolean;
  allowUnordered?: boolean;
  dryRun?: boolean;
}

/** In a protected environment (`MigratorProps.protection`) a down that is not a dry run needs `force` and the name confirmed. */
export interface DownOptions extends GuardOptions {
  step?: number;
  to?: string;
  all?: boolean;
  batch?: boolean;
  allowDrift?: boolean;
  dryRun?: boolean;
}

export interface StatusReport {
  migrations: MigrationStatusEntry[];
  summary: StatusSummary;
  /** Another tool's bookkeeping (dbmate, node-pg-migrate) that the next `up` adopts; shown as applied. */
  adoptions?: PeerAdoption[];
}

/**
 * What a Migrator needs, and nothing more: a database, where the migrations come from, and the few
 * settings that change how they run. Every setting has a default (`migratorConfig` reads them all
 * from a resolved config).
 */
export interface MigratorProps {
  database: Database;
  /** A folder of migration files (.ts, .mts, .js, .mjs, .sql), or migrations from code (Kysely's `MigrationProvider` shape). */
  migrations: string | MigrationProvider;
  /** Where the bookkeeping tables are; default Kysely's `public.kysely_migration` (+ `_lock`) and `public.dbctl_migration`. */
  store?: Partial<StoreNames>;
  /** How long to wait for another runner's run lock (ms). Default 60 000. */
  lockTimeoutMs?: number;
  /** `lock_timeout` for every statement of a migration (ms); 0 = none. Default 5 000. */
  ddlLockTimeoutMs?: number;
  /** Apply pending migrations that sort before applied ones. Default false. */
  allowUnordered?: boolean;
  /** Failure reports name files relative to this folder. Default `process.cwd()`. */
  cwd?: string;
  /** The production server's Postgres major: on the embedded database, SQL it would refuse is refused. */
  postgresVersion?: number;
  /**
   * The environment the database belongs to (a ResolvedConfig is one): down, redo and repair ask
   * src/guard first. None: nothing is protected.
   */
  protection?: Protection;
  /** What `${env:…}` / `${config:…}` in SQL migrations read (placeholders.ts). Default: process.env, no config values. */
  placeholders?: PlaceholderSource;
  onEvent?: (event: MigrateEvent) => void;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
export const DEFAULT_DDL_LOCK_TIMEOUT_MS = 5_000;

/** The Migrator's settings as a resolved config gives them: `new Migrator({ database, ...migratorConfig(config) })`. */
export { migratorConfig } from '../config/props.js';

/** Thrown when a migration fails; `data.results` says truthfully what was applied before it. */
export class MigrationFailedError extends OperationError {
  constructor(readonly failure: FailureInfo, readonly report: RunReport, cwd: string, hint?: string) {
    super(`migration ${failure.name} failed${failure.sqlstate ? ` (SQLSTATE ${failure.sqlstate})` : ''}: ${failure.message}`, {
      hint,
      data: { failure: { ...failure, file: path.relative(cwd, failure.file) }, results: report.results },
      failureReport: formatFailure(failure, cwd),
    }, 'migration_failed');
  }
}

/** The run lock's session died mid-run (its cause says how). */
class RunLockLostError extends Error {
  constructor(cause: Error) {
    super(`the migration run lock's session was terminated (${cause.message})`, { cause });
  }
}

/** One run of migrations in one direction, as its execution modes share it. */
interface Run {
  direction: Direction;
  prepared: Prepared[];
  report: RunReport;
  runner: typeof import('./runner.js');
  /** Where round trips cost (a server over the wire): TS/JS migrations' DDL is deferred (deferred-ddl.ts). */
  deferring?: typeof import('./deferred-ddl.js');
  /** The migration in progress (what a failure is about). */
  k: number;
  /** `--single-transaction`. */
  single: boolean;
  /** `lock_timeout = N`, for SET / SET LOCAL. */
  lockTimeout: string;
  onRetry: (retry: RetryEvent) => void;
}

/** From this many pending TS/JS migrations on, they are loaded as one bundle. */
const BUNDLE_FROM = 2;

export class Migrator {
  readonly #props: MigratorProps;
  readonly #store: MigrationStore;
  #lockLost: Error | undefined;
  /** The backend pid of the session holding the run lock, while it is held (null on PGlite). */
  #lockPid: number | null = null;
  /** The migrations as last listed, by name (a provided migration's object is only here). */
  #listed = new Map<string, MigrationFile>();
  /** Migrations adopted from Kysely's own Migrator during the current locked run. */
  #adopted: string[] = [];

  constructor(props: MigratorProps) {
    this.#props = Object.freeze({ ...props });
    this.#store = new MigrationStore({ ...DEFAULT_STORE_NAMES, ...this.#props.store });
  }

  get #database(): Database {
    return this.#props.database;
  }

  get #lockTimeoutMs(): number {
    return this.#props.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  }

  get #ddlLockTimeoutMs(): number {
    return this.#props.ddlLockTimeoutMs ?? DEFAULT_DDL_LOCK_TIMEOUT_MS;
  }

  get #cwd(): string {
    return this.#props.cwd ?? process.cwd();
  }

  #emit(event: MigrateEvent): void {
    this.#props.onEvent?.(event);
  }

  async #files(): Promise<MigrationFile[]> {
    const source = this.#props.migrations;
    const files = typeof source === 'string' ? this.#noted(listMigrationFolder(source, (f) => path.relative(this.#cwd, f) || f)) : await listProvidedMigrations(source);
    this.#listed = new Map(files.map((f) => [f.name, f]));
    return files;
  }

  #said = new Set<string>();

  /** Says each note of a listing once, however often this Migrator lists the folder. */
  #noted(listing: { files: MigrationFile[]; notes: string[] }): MigrationFile[] {
    for (const message of listing.notes) {
      if (this.#said.has(message)) continue;
      this.#said.add(message);
      this.#emit({ type: 'note', message });
    }
    return listing.files;
  }

  /** State of every migration; never imports a migration module. */
  async status(): Promise<StatusReport> {
    const files = await this.#files();
    const { applied, adoptions } = await this.#withPeers(files, await this.#store.applied(this.#database));
    const migrations = planStatus(files, recogniseSquashes(files, applied, false).applied);
    return { migrations, summary: summarize(migrations), ...(adoptions.length ? { adoptions } : {}) };
  }

  /** Checks drift and order without changing anything (`migrate verify`). */
  async verify(): Promise<StatusReport> {
    const report = await this.status();
    const bad = report.migrations.filter((m) => m.state === 'modified' || m.state === 'missing' || m.unordered);
    if (bad.length) {
      throw new CheckFailedError(`${bad.length} migration(s) fail verification: ${bad.map((m) => `${m.name} (${m.unordered ? 'unordered' : m.state})`).join(', ')}`, {
        data: { migrations: bad.map((m) => ({ name: m.name, state: m.state, unordered: m.unordered })) },
      }, 'verify_failed');
    }
    return report;
  }

  async up(options: UpOptions = {}): Promise<RunReport> {
    // A read-only look first: with nothing to do (the common case in CI and on deploys), `up`
    // neither takes the run lock nor loads Kysely or a migration module.
    const files = await this.#files();
    if (!options.dryRun && (options.to === undefined || files.some((f) => f.name === options.to))) {
      const applied = await this.#store.applied(this.#database);
      const entries = planStatus(files, applied);
      const settled = (e: MigrationStatusEntry) => e.state === 'applied' && !e.unordered && applied.find((a) => a.name === e.name)?.checksum;
      if (entries.every(settled)) return { direction: 'up', batch: null, dryRun: false, results: [] };
    }
    return this.#locked(!!options.dryRun, async () => {
      const entries = await this.#entries(!!options.dryRun);
      this.#refuseDrift(entries, options.allowDrift);
      const unordered = entries.filter((e) => e.unordered);
      if (unordered.length && !(options.allowUnordered ?? this.#props.allowUnordered)) {
        throw new RefusedError(`new migration(s) sort before one already applied: ${unordered.map((e) => e.name).join(', ')}`, {
          hint: 'rename them to sort last, or pass --allow-unordered (or set migrations.allowUnordered)',
          data: { unordered: unordered.map((e) => e.name) },
        }, 'unordered');
      }
      let pending = entries.filter((e) => e.state === 'pending');
      if (options.to !== undefined) {
        const target = entries.find((e) => e.name === options.to);
        if (!target) throw new UsageError(`--to: no migration named "${options.to}"`);
        pending = pending.filter((e) => e.name <= options.to!);
      }
      if (options.step !== undefined) pending = pending.slice(0, options.step);
      const files = pending.map((e) => this.#fileOf(e));
      return this.#told(await this.#run('up', files, options));
    });
  }

  async down(options: DownOptions = {}): Promise<RunReport> {
    if (!options.dryRun) await this.#guard('migrate down', options);
    return this.#locked(!!options.dryRun, async () => {
      const entries = await this.#entries(!!options.dryRun);
      const applied = entries.filter((e) => e.state !== 'pending').reverse();
      let targets: MigrationStatusEntry[];
      if (options.all) targets = applied;
      else if (options.batch) {
        const last = applied.find((e) => e.batch !== null)?.batch;
        targets = last === undefined ? [] : applied.filter((e) => e.batch === last);
      } else if (options.to !== undefined) {
        if (!entries.some((e) => e.name === options.to)) throw new UsageError(`--to: no migration named "${options.to}"`);
        targets = applied.filter((e) => e.name > options.to!);
      } else targets = applied.slice(0, options.step ?? 1);
      const missing = targets.filter((e) => e.state === 'missing');
      if (missing.length) {
        throw new RefusedError(`cannot revert ${missing.map((e) => e.name).join(', ')}: the file is missing`, { data: { missing: missing.map((e) => e.name) } }, 'missing');
      }
      this.#refuseDrift(targets, options.allowDrift);
      return this.#told(await this.#run('down', targets.map((e) => this.#fileOf(e)), options));
    });
  }

  /** Reverts the last applied migration and applies it again. */
  async redo(options: { allowDrift?: boolean } & GuardOptions = {}): Promise<RunReport> {
    await this.#guard('migrate redo', options);
    return this.#locked(false, async () => {
      const entries = await this.#entries(false);
      const last = entries.filter((e) => e.state !== 'pending').pop();
      // A redo that redid nothing is not a success: the caller asked for the last migration to run
      // again, and none has run (unlike `down`, whose "nothing to revert" leaves what was asked for).
      if (!last) throw new UsageError('cannot redo: no migration is applied', { hint: 'run `dbctl migrate up` first; redo reverts and re-applies the last applied migration' });
      if (last.state === 'missing') throw new RefusedError(`cannot redo ${last.name}: the file is missing`, {}, 'missing');
      this.#refuseDrift([last], options.allowDrift);
      const file = this.#fileOf(last);
      const down = await this.#run('down', [file], {});
      const up = await this.#run('up', [file], {});
      return this.#told({ ...up, kind: 'redo' as const, results: [...down.results, ...up.results] });
    });
  }

  /** Marks every migration up to NAME as applied without running it (adopting an existing database). */
  async baseline(name: string): Promise<RunReport> {
    return this.#locked(false, async () => {
      const entries = await this.#entries(false);
      if (!entries.some((e) => e.name === name && e.file)) throw new UsageError(`baseline: no migration file named "${name}"`);
      const marked = entries.filter((e) => e.state === 'pending' && e.name <= name);
      const batch = await this.#store.nextBatch(this.#database);
      // One script runs as one implicit transaction: all marked, or none.
      if (marked.length) await this.#database.query(marked.map((e) => this.#store.recordScript({ name: e.name, checksum: e.checksum!, durationMs: 0, batch })).join(';\n'));
      return this.#told({ direction: 'up', kind: 'baseline', batch: marked.length ? batch : null, dryRun: false, results: marked.map((e) => ({ name: e.name, direction: 'up' as const, status: 'success' as const, durationMs: 0 })) });
    });
  }

  /**
   * Records the current checksum of changed migrations (all, or those named) once the change has been
   * reviewed — Flyway's `repair` — so drift checks stop refusing them; `dbctl_migration` notes who and
   * when. Nothing runs: a changed migration is not applied again.
   */
  async repair(names: string[] = [], options: GuardOptions = {}): Promise<{ repaired: string[]; checked: number }> {
    await this.#guard('migrate repair', options);
    return this.#locked(false, async () => {
      const entries = await this.#entries(false);
      for (const name of names) {
        const entry = entries.find((e) => e.name === name);
        if (!entry) throw new UsageError(`repair: no migration named "${name}"`);
        if (entry.state === 'pending') throw new UsageError(`repair: ${name} is not applied`, { hint: 'only applied migrations have a recorded checksum' });
        if (entry.state === 'missing') throw new UsageError(`repair: the file of ${name} is missing`, { hint: 'restore the file; repair records the checksum of a file that exists' });
      }
      // Repair without names checks every applied migration: one whose file is gone was not checked,
      // so "every applied migration matches its file" would be false. Nothing is recorded then.
      const missing = names.length ? [] : entries.filter((e) => e.state === 'missing');
      if (missing.length) {
        const folder = typeof this.#props.migrations === 'string' ? path.relative(this.#cwd, this.#props.migrations) || '.' : 'the provider';
        throw new RefusedError(`cannot repair: the file of applied migration(s) ${missing.map((e) => e.name).join(', ')} is missing from ${folder}`, {
          hint: 'restore the file (repair records the checksum of a file that exists); nothing was recorded',
          data: { missing: missing.map((e) => e.name) },
        }, 'missing');
      }
      const changed = entries.filter((e) => e.state === 'modified' && (!names.length || names.includes(e.name)));
      if (changed.length) await this.#database.query(this.#store.repairScript(changed.map((e) => ({ name: e.name, checksum: e.checksum! }))));
      const checked = entries.filter((e) => e.state !== 'pending' && (!names.length || names.includes(e.name))).length;
      return { repaired: changed.map((e) => e.name), checked };
    });
  }

  /** The protected-environment guard (src/guard), before the run lock is taken or anything changes. */
  async #guard(operation: string, options: GuardOptions): Promise<void> {
    const protection = this.#props.protection;
    if (protection) await assertDestructiveAllowed({ config: protection, target: this.#database.target, operation, force: options.force, confirm: options.confirm });
  }

  async #locked<T>(dryRun: boolean, fn: () => Promise<T>): Promise<T> {
    // A dry run changes nothing, so it needs no lock (and must not wait behind a real run).
    this.#adopted = [];
    if (dryRun) return fn();
    this.#lockLost = undefined;
    const onLost = (error: Error) => (this.#lockLost ??= error);
    return withRunLock(this.#props.database, { timeoutMs: this.#lockTimeoutMs, onWait: (holder) => this.#emit({ type: 'lock-wait', holder }), onLost }, async (lock) => {
      this.#lockPid = lock.pid;
      try {
        return await fn();
      } finally {
        this.#lockPid = null;
      }
    });
  }

  /**
   * Checked just before each migration commits: without the run lock another runner could be
   * applying the same migration, so a run whose lock session died stops and rolls back instead.
   */
  #assertLockHeld(): void {
    if (this.#lockLost) throw new RunLockLostError(this.#lockLost);
  }

  /** Ensures bookkeeping, adopts migrations applied by Kysely's own Migrator, and plans. */
  async #entries(readOnly: boolean): Promise<MigrationStatusEntry[]> {
    if (!readOnly) await this.#store.ensure(this.#database);
    const files = await this.#files();
    const { applied, adoptions } = await this.#withPeers(files, await this.#store.applied(this.#database));
    if (adoptions.length && !readOnly) {
      const scripts = adoptions.flatMap((a) => a.adopted.map((m) => this.#store.adoptPeerScript({ name: m.name, checksum: checksumOfMigration(this.#listed.get(m.name)!), appliedAt: m.appliedAt, tool: a.tool })));
      if (scripts.length) await this.#database.query(scripts.join(';\n'));
      for (const adoption of adoptions) this.#emit({ type: 'adopted-peer', adoption });
      for (const m of applied) m.checksum ??= checksumOfMigration(this.#listed.get(m.name)!);
    }
    const recorded = await this.#squashes(files, applied, readOnly);
    const entries = planStatus(files, recorded);
    const adopt = entries.filter((e) => e.state === 'applied' && e.file && !recorded.find((a) => a.name === e.name)?.checksum);
    if (adopt.length && !readOnly) {
      await this.#database.query(adopt.map((e) => this.#store.adoptScript({ name: e.name, checksum: e.checksum! })).join(';\n'));
      this.#adopted.push(...adopt.map((e) => e.name));
      this.#emit({ type: 'adopted', names: adopt.map((e) => e.name) });
    }
    return entries;
  }

  /** Squash baselines standing for applied migrations, recorded as applied (nothing runs); a partial history is refused. */
  async #squashes(files: MigrationFile[], applied: AppliedMigration[], readOnly: boolean): Promise<AppliedMigration[]> {
    const { applied: now, recognised } = recogniseSquashes(files, applied, !readOnly);
    if (!readOnly && recognised.length) {
      await this.#database.query(recognised.map((r) => this.#store.squashScript({ name: r.baseline, checksum: r.checksum, stands: r.stands })).join(';\n'));
      for (const r of recognised) this.#emit({ type: 'note', message: `${r.baseline} stands for ${r.stands.length} applied migration(s): recorded as applied, nothing run` });
    }
    return now;
  }

  /** A database dbctl has not migrated yet may hold another tool's bookkeeping (adopt-peers.ts). */
  async #withPeers(files: MigrationFile[], applied: AppliedMigration[]): Promise<{ applied: AppliedMigration[]; adoptions: PeerAdoption[] }> {
    if (applied.length || !files.length) return { applied, adoptions: [] };
    const { findPeerAdoptions, asApplied } = await import('./adopt-peers.js');
    const adoptions = await findPeerAdoptions(this.#database, files);
    return { applied: asApplied(adoptions), adoptions };
  }

  /** The report with what this run adopted, so `--json` says it too (not only the event). */
  #told(report: RunReport): RunReport {
    return this.#adopted.length ? { ...report, adopted: [...this.#adopted] } : report;
  }

  #refuseDrift(entries: MigrationStatusEntry[], allow?: boolean): void {
    if (allow) return;
    const drift = entries.filter((e) => e.state === 'modified' || e.state === 'missing');
    if (!drift.length) return;
    const list = drift.map((e) => `${e.name} (${e.state === 'modified' ? 'changed since it was applied' : 'file missing'})`).join(', ');
    throw new RefusedError(`applied migrations do not match their files: ${list}`, {
      hint: 'restore the original files; or, after reviewing the change, record it with `dbctl migrate repair` (--allow-drift overrides this run only)',
      data: { drift: drift.map((e) => ({ name: e.name, state: e.state })) },
    }, 'drift');
  }

  #fileOf(entry: MigrationStatusEntry): MigrationFile {
    return this.#listed.get(entry.name) ?? { name: entry.name, file: entry.file!, kind: entry.kind! };
  }

  async #run(direction: Direction, files: MigrationFile[], options: { singleTransaction?: boolean; dryRun?: boolean }): Promise<RunReport> {
    const results: MigrationResult[] = files.map((f) => ({ name: f.name, direction, status: 'not-run' }));
    const report: RunReport = { direction, batch: null, dryRun: !!options.dryRun, results };
    if (!files.length) return report;
    // Kysely and the runner load only now: status and a no-op `up` never need them.
    const runner = await import('./runner.js');
    const prepared = await this.#prepare(direction, files, !!options.singleTransaction);
    if (options.dryRun) return this.#dryRun(prepared, report);
    report.batch = direction === 'up' ? await this.#store.nextBatch(this.#database) : null;
    const deferring = this.#database.capabilities.wire && prepared.some((p) => !p.script && p.transaction) ? await import('./deferred-ddl.js') : undefined;
    const run: Run = {
      direction, prepared, report, runner, deferring, k: 0, single: !!options.singleTransaction,
      lockTimeout: `lock_timeout = ${Math.max(0, Math.floor(this.#ddlLockTimeoutMs))}`,
      onRetry: (retry) => this.#emit({ type: 'retry', retry }),
    };
    try {
      if (run.single) return await this.#inOneTransaction(run);
      for (run.k = 0; run.k < prepared.length; run.k++) {
        const p = prepared[run.k];
        this.#emitStart(run);
        if (p.script) {
          const script = p.script;
          await runner.withLockRetry(p.file.name, () => this.#applyScript(p, script, run), run.onRetry);
        } else if (p.transaction) await this.#inTransactions(run);
        else await this.#outsideTransaction(run, p);
        // prepared[k], not p: a run of TS migrations advanced k past p to the last one it ran.
        this.#emit(this.#done(prepared[run.k], report.results[run.k]));
      }
      return report;
    } catch (error) {
      throw await this.#failure(run, error);
    }
  }

  /** Loads every migration first (a syntax error in the third must not leave the first two applied), then refuses what cannot run. */
  async #prepare(direction: Direction, files: MigrationFile[], singleTransaction: boolean): Promise<Prepared[]> {
    const { prepareCached: prepare } = await import('./prepared-cache.js');
    const prepared: Prepared[] = [];
    // Load everything first: a syntax error in the third file must not leave the first two applied.
    // With their checksums, already computed: a warm bundle then reads none of the files again.
    const modules = files.filter((f) => f.kind === 'module').map((f) => ({ file: f.file, checksum: checksumOfMigration(f) }));
    // Many TS/JS migrations load faster as one module than one by one (src/migrate/bundle.ts).
    if (modules.length >= BUNDLE_FROM) await (await import('./module.js')).preloadModuleMigrations(modules);
    for (const file of files) prepared.push(await prepare(file, direction, this.#props.placeholders));
    const { postgresVersion, database: target } = this.#props;
    if (postgresVersion && target.capabilities.standIn) await (await import('./server-version.js')).refuseForServer(target, files, direction, postgresVersion);
    const noDown = direction === 'down' ? prepared.filter((p) => !p.hasBody) : [];
    if (noDown.length) {
      throw new RefusedError(`cannot revert ${noDown.map((p) => p.file.name).join(', ')}: no down migration`, {
        hint: 'add a down() export (TS/JS) or a "-- migrate:down" section (SQL); nothing was changed',
        data: { noDown: noDown.map((p) => p.file.name) },
      }, 'no_down');
    }
    const outside = singleTransaction ? prepared.filter((p) => !p.transaction) : [];
    if (outside.length) {
      throw new UsageError(`--single-transaction: ${outside.map((p) => p.file.name).join(', ')} must run outside a transaction (transaction:false), so ${outside.length > 1 ? 'they' : 'it'} cannot share one with the others; nothing was applied`, {
        hint: `apply up to the migration before it with --single-transaction --to, then the rest without --single-transaction`,
        data: { outside: outside.map((p) => p.file.name) },
      });
    }
    return prepared;
  }

  #emitStart(run: Run): void {
    this.#emit({ type: 'start', name: run.prepared[run.k].file.name, direction: run.direction, index: run.k + 1, total: run.prepared.length });
  }

  /**
   * The bookkeeping for `p`, as SQL that commits together with its work, after checking the run
   * lock is still held: here (its session's loss already heard of), and by the server in the same
   * message (lockHeldCheck: a lock lost while the migration ran fails the commit even before this
   * process hears of it), as the SQL fast path does.
   */
  #bookkeeping(run: Run, p: Prepared, durationMs: Duration): string {
    this.#assertLockHeld();
    const check = this.#lockPid === null ? '' : `${lockHeldCheck(this.#lockPid)};\n`;
    return check + (run.direction === 'up'
      ? this.#store.recordScript({ name: p.file.name, checksum: checksumOfMigration(p.file), durationMs, batch: run.report.batch! })
      : this.#store.removeScript(p.file.name));
  }

  /** How many statements #bookkeeping's SQL holds (a failure in a message is located by them: deferred-ddl.ts). */
  #bookkeepingStatements(run: Run): number {
    return (run.direction === 'up' ? 1 : 2) + (this.#lockPid === null ? 0 : 1);
  }

  /** Runs migration k's body on `session` and records its result; returns its duration. */
  async #body(run: Run, session: Kysely<any>, k: number): Promise<number> {
    const p = run.prepared[k];
    const started = performance.now();
    await p.run(session);
    const durationMs = Math.round(performance.now() - started);
    run.report.results[k] = { name: p.file.name, direction: run.direction, status: 'success', durationMs, ...(p.empty ? { empty: true } : {}) };
    return durationMs;
  }

  /** `--single-transaction`: every migration and its bookkeeping in one transaction. */
  async #inOneTransaction(run: Run): Promise<RunReport> {
    const { prepared } = run;
    await run.runner.withLockRetry('all', async () => {
      const deferred = run.deferring && new run.deferring.DeferredDdl();
      let sent: Batch | undefined;
      try {
        await this.#database.transaction({ begin: `set local ${run.lockTimeout}`, reset: true, connection: deferred?.wrap }, async (trx) => {
          if (deferred && run.direction === 'up') return this.#pipelined(run, trx, deferred);
          for (run.k = 0; run.k < prepared.length; run.k++) {
            this.#emitStart(run);
            const durationMs = await this.#body(run, trx, run.k);
            sent = deferred?.take();
            await this.#sendDeferred(run, sent, (front, duration) => run.runner.execScript(trx, `${front}${this.#bookkeeping(run, prepared[run.k], duration)}`), durationMs);
            sent = undefined;
          }
        });
      } catch (error) {
        if (run.deferring && error instanceof run.deferring.DeferredFailure) throw this.#sentAhead(run, error);
        throw this.#deferredFailure(run, sent, error);
      }
    }, run.onRetry);
    run.report.results.forEach((r, n) => this.#emit(this.#done(prepared[n], r)));
    return run.report;
  }

  /**
   * `--single-transaction` up on a server: nothing waits for the server between migrations. Each
   * migration's deferred statements and bookkeeping are sent when no message is in flight
   * (DeferredDdl.pump), so the next migrations' bodies run while the server runs them, and what
   * piles up meanwhile goes in one message: the server is not idle while dbctl builds statements,
   * and dbctl is not idle while the server runs them. All of it is one transaction, so a failure
   * anywhere rolls back everything, as before; it is reported as its own migration's (its
   * statement's file:line), whichever later migration was running when it was seen. Each
   * migration's server time is measured from the previous one's MARK and read back before COMMIT.
   */
  async #pipelined(run: Run, trx: Kysely<any>, deferred: import('./deferred-ddl.js').DeferredDdl): Promise<void> {
    const { prepared } = run;
    for (run.k = 0; run.k < prepared.length; run.k++) {
      this.#emitStart(run);
      let durationMs: number;
      try {
        durationMs = await this.#body(run, trx, run.k);
      } catch (error) {
        // An earlier migration's failure, seen by a query of this one, is the one to report.
        throw deferred.failed ?? error;
      }
      deferred.append(`${this.#bookkeeping(run, prepared[run.k], { plusServer: durationMs, sinceMark: true })};\n${MARK}`, run.k, this.#bookkeepingStatements(run) + 1);
      await deferred.pump();
      // Lets the reply of the message in flight be read before the next body runs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await deferred.finish();
    const { sql } = await import('kysely');
    const { rows } = await sql.raw<{ name: string; duration_ms: number | null }>(this.#store.durationsQuery(run.report.batch!)).execute(trx);
    const took = new Map(rows.map((r) => [r.name, r.duration_ms]));
    for (const result of run.report.results) result.durationMs = took.get(result.name) ?? result.durationMs;
  }

  /**
   * A run of TS migrations, a transaction each, on a server: migration k's message (its deferred
   * statements, bookkeeping, COMMIT and the next BEGIN) is sent without waiting, and k+1's body
   * runs while the server runs it; k+1's message is sent once k's has come back, so each message
   * holds one COMMIT and a failure leaves applied exactly the migrations before it. A query k+1
   * awaits waits for k's message first (deferred-ddl.ts), and once k's has failed nothing more is
   * sent: the transaction is rolled back and k is reported, not k+1. Returns the last one's body
   * time; its COMMIT is the transaction's own (beforeCommit).
   */
  async #ahead(run: Run, trx: Kysely<any>, deferred: import('./deferred-ddl.js').DeferredDdl, last: number): Promise<number> {
    const { prepared } = run;
    const database = this.#database;
    // The migration whose message is in flight.
    let sentK: number | undefined;
    const confirm = async () => {
      const k = sentK;
      sentK = undefined;
      if (k !== undefined) this.#confirmed(run, k, await deferred.settle());
    };
    try {
      for (;;) {
        const durationMs = await this.#body(run, trx, run.k);
        if (run.k === last) {
          await confirm();
          return durationMs;
        }
        // Its own message is last in it (the next body's statements are kept for the next one).
        deferred.append(`${this.#bookkeeping(run, prepared[run.k], { plusServer: durationMs })}; commit; ${database.resetSql}; begin; set local ${run.lockTimeout}`, run.k, this.#bookkeepingStatements(run));
        const took = await deferred.pump({ wait: true });
        if (sentK !== undefined) this.#confirmed(run, sentK, took);
        sentK = run.k;
        run.k++;
        this.#emitStart(run);
      }
    } catch (error) {
      // The one in flight comes first: its failure, or its success before this failure.
      if (deferred.failed) throw deferred.failed;
      await confirm();
      throw error;
    }
  }

  /** Migration k's message came back: it is committed; its duration includes the round trip. */
  #confirmed(run: Run, k: number, tookMs: number | undefined): void {
    const result = run.report.results[k];
    result.durationMs = (result.durationMs ?? 0) + Math.round(tookMs ?? 0);
    this.#emit(this.#done(run.prepared[k], result));
  }

  /**
   * A failure of a message sent ahead: its own migration's, as the failing statement's (or dbctl's
   * bookkeeping's). The migrations after it whose bodies ran meanwhile did not run: nothing of
   * theirs was sent, or it was rolled back with it.
   */
  #sentAhead(run: Run, failure: import('./deferred-ddl.js').DeferredFailure): unknown {
    if (failure.k !== undefined) run.k = failure.k;
    for (let n = run.k + 1; n < run.report.results.length; n++) run.report.results[n] = { name: run.prepared[n].file.name, direction: run.direction, status: 'not-run' };
    return failure.own ? failure.error : run.runner.moduleBodyError(run.prepared[run.k].file, failure.error);
  }

  /**
   * A run of transactional TS/JS migrations shares one session, each in its own transaction: one
   * round trip of dbctl's own per migration, its bookkeeping + COMMIT + session reset (so a `SET
   * search_path` cannot leak into the next) + the next one's `begin; set local lock_timeout`. The
   * last one's COMMIT ends the session's use. A failure rolls back only the migration in progress;
   * a lock_timeout retry resumes with it. Leaves `run.k` at the last one it ran.
   */
  async #inTransactions(run: Run): Promise<void> {
    const { prepared, runner } = run;
    const database = this.#database;
    let last = run.k;
    while (last + 1 < prepared.length && !prepared[last + 1].script && prepared[last + 1].transaction) last++;
    let durationMs = 0;
    await runner.withLockRetry(() => prepared[run.k].file.name, async () => {
      const deferred = run.deferring && new run.deferring.DeferredDdl();
      // The deferred statements at the front of the message in flight (what its failure may be about).
      let sent: Batch | undefined;
      let committing = 0;
      try {
        await database.transaction(
          {
            begin: `set local ${run.lockTimeout}`,
            beforeCommit: () => {
              sent = deferred?.take();
              committing = performance.now();
              return `${sent?.sql ?? ''}${this.#bookkeeping(run, prepared[run.k], sent?.count ? { plusServer: durationMs } : durationMs)}`;
            },
            reset: true,
            connection: deferred?.wrap,
          },
          async (trx) => {
            if (deferred) {
              durationMs = await this.#ahead(run, trx, deferred, last);
              return;
            }
            for (;;) {
              durationMs = await this.#body(run, trx, run.k);
              if (run.k === last) return;
              await this.#sendDeferred(run, undefined, (front, duration) => runner.execScript(trx, `${front}${this.#bookkeeping(run, prepared[run.k], duration)}; commit; ${database.resetSql}; begin; set local ${run.lockTimeout}`), durationMs);
              sent = undefined;
              this.#emit(this.#done(prepared[run.k], run.report.results[run.k]));
              run.k++;
              this.#emitStart(run);
            }
          },
        );
      } catch (error) {
        if (run.deferring && error instanceof run.deferring.DeferredFailure) throw this.#sentAhead(run, error);
        throw this.#deferredFailure(run, sent, error);
      }
      if (sent?.count) this.#addDuration(run, committing);
    }, run.onRetry);
  }

  /**
   * Sends migration k's bookkeeping message, with its deferred statements (if any) at the front and
   * their time in its duration: the server's in the bookkeeping, the round trip's in the report.
   */
  async #sendDeferred(run: Run, sent: Batch | undefined, send: (front: string, duration: Duration) => Promise<void>, durationMs: number): Promise<void> {
    if (!sent?.count) return send('', durationMs);
    const started = performance.now();
    await send(sent.sql, { plusServer: durationMs });
    this.#addDuration(run, started);
  }

  #addDuration(run: Run, since: number): void {
    const result = run.report.results[run.k];
    result.durationMs = (result.durationMs ?? 0) + Math.round(performance.now() - since);
  }

  /** A failure of a message that carried deferred statements: the failing statement's, reported as the migration body's. */
  #deferredFailure(run: Run, sent: Batch | undefined, error: unknown): unknown {
    const own = sent?.failure(error);
    return own ? run.runner.moduleBodyError(run.prepared[run.k].file, own) : error;
  }

  /** Outside a transaction (CREATE INDEX CONCURRENTLY): statement by statement on one session. */
  async #outsideTransaction(run: Run, p: Prepared): Promise<void> {
    const { runner } = run;
    const database = this.#database;
    const db = await database.kysely();
    await db.connection().execute(async (conn) => {
      try {
        await runner.execScript(conn, `set ${run.lockTimeout}`);
        const durationMs = await runner.withLockRetry(p.file.name, () => this.#body(run, conn, run.k), run.onRetry);
        await runner.execScript(conn, this.#bookkeeping(run, p, durationMs));
      } finally {
        await database.resetSession(conn).catch(() => {});
      }
    });
  }

  /** What a failed run throws: the results as they stand, the failing migration marked, and what the user can do. */
  async #failure(run: Run, error: unknown): Promise<Error> {
    const { k, prepared, report, direction, single } = run;
    const file = prepared[k].file;
    if (single) report.results.forEach((r) => (r.status = 'not-run'));
    report.results[k] = { name: file.name, direction, status: 'failed' };
    if (isConnectionLost(error)) {
      const name = single ? 'the single transaction' : file.name;
      const outcome = !single && !prepared[k].transaction
        ? `${name} ran outside a transaction, so part of it may have been applied (not recorded); check the schema before running it again`
        : `${name} was rolled back by the server and is not recorded as applied${k && !single ? `; the ${k} migration(s) before it stay applied` : ''}`;
      return connectionLostError(`migrate ${direction} (${file.name})`, error, outcome, { results: report.results });
    }
    const isBody = error instanceof run.runner.MigrationBodyError;
    const failure: FailureInfo = isBody ? error.info : { name: file.name, file: file.file, message: String((error as Error)?.message ?? error), sqlstate: (error as { code?: string })?.code };
    const database = this.#database;
    if (failure.sqlstate === LOCK_NOT_AVAILABLE_SQLSTATE && database.capabilities.concurrentSessions) {
      // Who it waited for, while they may still hold it (a `lock table` in an open psql, a long report).
      const blockers = await lockBlockers(database, this.#lockPid === null ? [] : [this.#lockPid]).catch(() => []);
      if (blockers.length) {
        return new MigrationFailedError({ ...failure, message: `${failure.message}; sessions holding locks when it gave up: ${blockers.map(describeSession).join('; ')}` }, report, this.#cwd,
          `end ${blockers.length > 1 ? 'those sessions\' transactions' : 'that session\'s transaction'} (pg_terminate_backend(${blockers[0].pid}) if it is stuck), or raise --ddl-lock-timeout, then run again`);
      }
    }
    const dropped = isBody ? undefined : this.#store.droppedTable(error);
    if (dropped) {
      const undone = single || prepared[k].transaction ? 'it was rolled back' : 'it ran outside a transaction, so its changes stay';
      return new MigrationFailedError({ ...failure, message: `its ${direction} dropped dbctl's bookkeeping table ${dropped} (DROP SCHEMA … CASCADE?), so it could not be recorded; ${undone}` }, report, this.#cwd,
        `keep dbctl's tables in a schema your migrations do not drop: set migrations.schema in the config (it is "${this.#store.names.schema}" now)`);
    }
    return new MigrationFailedError(failure, report, this.#cwd);
  }

  /** The 'done' event of `p`, from its result (the one place names and durations are taken from). */
  #done(p: Prepared, result: MigrationResult): MigrateEvent {
    return { type: 'done', name: p.file.name, direction: p.direction, durationMs: result.durationMs ?? 0, ...(p.empty ? { empty: true } : {}) };
  }

  /**
   * A transactional SQL migration in one round trip: BEGIN and its lock_timeout, the section as
   * written, the check that the run lock is still held, the bookkeeping (values as literals, the
   * duration measured by the server), COMMIT and the session reset, as one simple-protocol message.
   * Postgres runs them in order and stops at the first error, which leaves the transaction aborted:
   * a second message rolls it back. Where the error came from is told by its position (a section's
   * is inside the section's text) or, without one, by what it names (dbctl's tables, the lock).
   */
  async #applyScript(p: Prepared, script: NonNullable<Prepared['script']>, run: Run): Promise<void> {
    const database = this.#database;
    const name = p.file.name;
    const k = run.k;
    const begin = `begin; set local ${run.lockTimeout};\n`;
    const check = this.#lockPid === null ? '' : `${lockHeldCheck(this.#lockPid)};\n`;
    const record = p.direction === 'up'
      ? this.#store.recordScript({ name, checksum: checksumOfMigration(p.file), durationMs: SERVER_DURATION_MS, batch: run.report.batch! })
      : this.#store.removeScript(name);
    // The newline first: a section may end in a `--` comment.
    const message = `${begin}${script.sql}\n;\n${check}${record};\ncommit; ${database.resetSql}`;
    this.#assertLockHeld();
    await database.session(async (client) => {
      const started = performance.now();
      try {
        await client.script(message);
      } catch (error) {
        await client.query(`rollback; ${database.resetSql}`).catch(() => {});
        if (isConnectionLost(error)) throw error;
        if ((error as { code?: string }).code === LOCK_LOST_SQLSTATE) throw new RunLockLostError(this.#lockLost ?? new Error('the connection was lost'));
        const position = Number((error as { position?: unknown }).position);
        const inSection = Number.isFinite(position) && position > 0
          ? position > begin.length && position <= begin.length + Array.from(script.sql).length
          : !this.#store.droppedTable(error);
        // `begin` is two statements (BEGIN, SET LOCAL): the section's first is the message's third.
        throw inSection ? await script.failure(error, begin.length, 2) : error;
      }
      run.report.results[k] = { name, direction: p.direction, status: 'success', durationMs: Math.round(performance.now() - started), ...(p.empty ? { empty: true } : {}) };
    });
  }

  /** Runs everything inside one transaction that is rolled back, capturing the SQL it sends (dry-run.ts). */
  async #dryRun(prepared: Prepared[], report: RunReport): Promise<RunReport> {
    const [{ MigrationBodyError }, { dryRunPrepared }] = await Promise.all([import('./runner.js'), import('./dry-run.js')]);
    try {
      await dryRunPrepared(this.#database, prepared, (k, { statements, parameters, executed }) => {
        const p = prepared[k];
        report.results[k] = { name: p.file.name, direction: p.direction, status: 'dry-run', statements, ...dryRunFacts(p, parameters) };
        this.#emit({ type: 'dry-run', name: p.file.name, direction: p.direction, statements, executed });
      });
    } catch (error) {
      if (error instanceof MigrationBodyError) throw new MigrationFailedError(error.info, report, this.#cwd);
      throw error;
    }
    return report;
  }

  /** Who holds the run lock now (doctor), or null. */
  async lockHolder(): Promise<LockHolder | null> {
    return this.#props.database.capabilities.concurrentSessions ? lockHolder(this.#database) : null;
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../driver/database.js';
import { describeSqlError, excerptAt, isPostgresError, type SqlErrorInfo } from '../sql/sql-error.js';
import { OperationError, UsageError, isDbctlError, type DbctlError } from '../errors.js';
import { connectionLostError, isConnectionLost } from '../driver/connection-lost.js';
import { frameIn } from '../migrate/module.js';
import { createSeedContext, type BulkProgress, type FixtureUpsert, type SeedContext } from './context.js';
import { seededFaker } from './faker.js';
import { displayPath } from './fixtures.js';
import { listSeedFolder, selectSeeds, type SeedFile } from './files.js';
import { loadSeedModule } from './module.js';
import { inUserCode } from '../user-code.js';
import { assertDestructiveAllowed, type GuardOptions, type Protection } from '../guard/index.js';

/**
 * What a seed run needs, and nothing more; `seedConfig(config)` gives them as the resolved config
 * has them: `runSeeds({ database, ...seedConfig(config) })`.
 */
export interface SeedRunOptions extends GuardOptions {
  /** The environment (seedConfig gives it): a run asks src/guard first. None: nothing is protected. */
  protection?: Protection;
  database: Database;
  /** The seeds folder: `common/` runs first, then the environment's own folder. */
  dir: string;
  /** Default `development`. */
  env?: string;
  /** Where `ctx.fixture()` reads files. Default `<cwd>/fixtures`. */
  fixturesDir?: string;
  /** Paths in reports and errors are shown relative to it. Default `process.cwd()`. */
  cwd?: string;
  /** Run only these seeds (full name `common/01_x` or file name `01_x`). */
  only?: string[];
  /** Default 1. */
  scale?: number;
  /** The faker's seed. Default 42. */
  seed?: number;
  /** Run every seed (each seeing the rows of those before it), report, and roll everything back. */
  dryRun?: boolean;
  onEvent?: (event: SeedEvent) => void;
}

export type SeedEvent =
  | { type: 'start'; seed: string; file: string }
  | ({ type: 'progress'; seed: string } & BulkProgress)
  | { type: 'done'; report: SeedReport };

/** Rows a seed wrote per table, as Postgres counted them in its transaction (any write, not just the helpers'). */
export interface TableCounts {
  inserted: number;
  updated: number;
  deleted: number;
}

export interface SeedReport {
  name: string;
  file: string;
  durationMs: number;
  tables: Record<string, TableCounts>;
}

export interface SeedRunReport {
  env: string;
  seed: number;
  scale: number;
  dryRun: boolean;
  seeds: SeedReport[];
  totals: Record<string, TableCounts>;
  durationMs: number;
  /** Entries of the seed folders that were not read (a `.txt`, a subfolder, a file outside common/ and <env>/). */
  notes: string[];
}

/**
 * Runs the seed files of an environment (`seeds/common/` then `seeds/<env>/`), each in its own
 * transaction with its own seeded faker. The first seed that fails is rolled back and stops the
 * run (seeds before it stay committed); the error names the file and line.
 */
export async function runSeeds(options: SeedRunOptions): Promise<SeedRunReport> {
  const { database } = options;
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? 'development';
  const scale = options.scale ?? 1;
  const seed = options.seed ?? 42;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new UsageError(`--scale must be a positive number, got ${scale}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, got ${seed}`);
  if (!options.dryRun && options.protection) await assertDestructiveAllowed({ config: options.protection, target: database.target, operation: 'seed', force: options.force, confirm: options.confirm });
  const listing = listSeedFolder(options.dir, env, (f) => displayPath(f, cwd));
  const files = selectSeeds(listing.files, options.only);
  const started = Date.now();
  // A database opened without Kysely (the CLI's reset and migrate) gets it now.
  const db = await database.kysely();
  const reports: SeedReport[] = [];
  // A dry run keeps every seed's rows until the end (later seeds build on earlier ones), each seed
  // in a savepoint of one transaction that is rolled back at the end.
  const dryRun = options.dryRun ? await db.startTransaction().execute() : undefined;
  try {
    for (const file of files) {
      const shown = displayPath(file.file, cwd);
      options.onEvent?.({ type: 'start', seed: file.name, file: shown });
      const body = await prepareSeed(file, shown);
      const seedStarted = Date.now();
      const savepoint = dryRun && (await dryRun.savepoint(SAVEPOINT).execute());
      const trx = savepoint || (await db.startTransaction().execute());
      let tables: Record<string, TableCounts>;
      try {
        const before = await writeCounters(trx);
        const citus = database.capabilities.distributed === 'citus' ? await (await import('./distributed.js')).startCitusCount(trx, (l) => database.onQuery(l)) : undefined;
        const plain = createSeedContext({
          target: { db: trx, distributed: database.capabilities.distributed },
          faker: seededFaker(seed, file.name),
          env,
          scale,
          seed,
          name: file.name,
          fixturesDir: options.fixturesDir ?? path.join(cwd, 'fixtures'),
          cwd,
          onProgress: (p) => options.onEvent?.({ type: 'progress', seed: file.name, ...p }),
        });
        const ctx = citus ? citus.wrap(plain) : plain;
        await (citus ? citus.track(() => body(ctx)) : body(ctx));
        tables = countsSince(before, await writeCounters(trx));
        if (citus) tables = await citus.finish(trx, tables);
      } catch (error) {
        if (!savepoint) await trx.rollback().execute().catch(() => {});
        throw seedFailure(file, shown, error);
      }
      await (savepoint ? savepoint.releaseSavepoint(SAVEPOINT) : trx.commit()).execute();
      const report = { name: file.name, file: shown, durationMs: Date.now() - seedStarted, tables };
      reports.push(report);
      options.onEvent?.({ type: 'done', report });
    }
  } finally {
    await dryRun?.rollback().execute().catch(() => {});
  }
  return { env, seed, scale, dryRun: !!options.dryRun, seeds: reports, totals: sumTables(reports), durationMs: Date.now() - started, notes: listing.notes };
}

const SAVEPOINT = 'dbctl_seed';

type SeedBody = (ctx: SeedContext) => Promise<void>;

async function prepareSeed(file: SeedFile, shown: string): Promise<SeedBody> {
  if (file.kind === 'sql') {
    const text = fs.readFileSync(file.file, 'utf8');
    // One script, as written: the driver runs multi-statement text on both backends.
    return async (ctx) => void (await sql.raw(text).execute(ctx.db));
  }
  const mod = await loadSeedModule(file.file, shown);
  const fixtures: Array<[string, FixtureUpsert]> = Array.isArray(mod.fixtures)
    ? mod.fixtures.map((name) => [name, {}])
    : Object.entries(mod.fixtures ?? {});
  return async (ctx) => {
    for (const [name, how] of fixtures) await ctx.upsertFixture(name, how);
    if (mod.seed) await inUserCode(file.file, () => mod.seed!(ctx));
  };
}

/**
 * Postgres's own counters of rows inserted, updated and deleted per table by this session that are
 * not yet flushed to the statistics system. A flush happens only between transactions, so the
 * difference between a reading at the start of a seed's transaction and one at its end is exactly
 * what the seed wrote, by any means (helpers, Kysely, raw SQL, triggers).
 */
async function writeCounters(db: Kysely<any>): Promise<Map<string, TableCounts>> {
  const { rows } = await sql<{ schema: string; table: string; ins: string; upd: string; del: string }>`
    select schemaname as schema, relname as table, n_tup_ins as ins, n_tup_upd as upd, n_tup_del as del
    from pg_catalog.pg_stat_xact_user_tables
    where schemaname !~ '^pg_temp' and n_tup_ins + n_tup_upd + n_tup_del > 0`.execute(db);
  return new Map(rows.map((r) => [r.schema === 'public' ? r.table : `${r.schema}.${r.table}`, { inserted: Number(r.ins), updated: Number(r.upd), deleted: Number(r.del) }]));
}

function countsSince(before: Map<string, TableCounts>, after: Map<string, TableCounts>): Record<string, TableCounts> {
  const tables: Record<string, TableCounts> = {};
  for (const name of [...after.keys()].sort()) {
    const a = after.get(name)!;
    const b = before.get(name) ?? { inserted: 0, updated: 0, deleted: 0 };
    const c = { inserted: a.inserted - b.inserted, updated: a.updated - b.updated, deleted: a.deleted - b.deleted };
    if (c.inserted || c.updated || c.deleted) tables[name] = c;
  }
  return tables;
}

function sumTables(reports: SeedReport[]): Record<string, TableCounts> {
  const totals: Record<string, TableCounts> = {};
  for (const report of reports) {
    for (const [table, c] of Object.entries(report.tables)) {
      const t = (totals[table] ??= { inserted: 0, updated: 0, deleted: 0 });
      t.inserted += c.inserted;
      t.updated += c.updated;
      t.deleted += c.deleted;
    }
  }
  return totals;
}

/** A failed seed as one line, `file:line:col: message`, with the source excerpt and Postgres's facts attached. */
function seedFailure(file: SeedFile, shown: string, error: unknown): DbctlError {
  if (isConnectionLost(error)) return connectionLostError(`seed ${file.name}`, error, 'the seed was rolled back by the server: none of its rows were kept', { seed: file.name, file: shown });
  let info: SqlErrorInfo;
  if (file.kind === 'sql') {
    info = isPostgresError(error) ? describeSqlError(error, { text: fs.readFileSync(file.file, 'utf8'), offset: 0 }) : { message: messageOf(error) };
  } else {
    info = isPostgresError(error) ? describeSqlError(error) : { message: messageOf(error) };
    const frame = frameIn(error, file.file);
    if (frame) {
      info.line = frame.line;
      info.col = frame.col;
      info.excerpt = excerptAt(fs.readFileSync(file.file, 'utf8'), frame.line, frame.col);
    }
  }
  const where = info.line ? `${shown}:${info.line}${info.col ? `:${info.col}` : ''}` : shown;
  const facts = [info.detail && `detail: ${info.detail}`, info.hint && `hint: ${info.hint}`].filter(Boolean).join('\n');
  return new OperationError(`${where}: seed ${file.name} failed: ${info.message}`, {
    hint: isDbctlError(error) ? error.hint : 'the seed was rolled back: none of its rows were kept',
    data: {
      seed: file.name,
      file: shown,
      line: info.line,
      column: info.col,
      sqlstate: info.sqlstate,
      cause: isDbctlError(error) ? error.code : undefined,
    },
    failureReport: [info.excerpt, facts].filter(Boolean).join('\n') || undefined,
    cause: error,
  }, 'seed_failed');
}

function messageOf(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}

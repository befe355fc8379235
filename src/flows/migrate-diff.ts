import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import { assertAllowed, assertPlannable, assertUnambiguous, invert, planMigration, readHints, renderMigration, settleAmbiguities, sizeSteps, type Ambiguity, type Hazard, type Hints, type Rename, type SettleAnswer, type Step } from '../diff/index.js';
import { DEFAULT_LARGE_TABLE_ROWS } from '../lint/rules.js';
import { readSchemaSource, type SchemaSource } from '../diff/source.js';
import { loadSchemaSnapshot } from '../diff/load-schema.js';
import { desiredInWorker, desiredWorkerAvailable } from '../diff/desired-in-worker.js';
import { openDatabaseFor, withDatabaseFor } from '../driver/open-for.js';
import { scratchInMemory, withMigratedDatabase } from '../database/migrated-scratch.js';
import { currentKey, desiredKey, readSnapshot, writeSnapshot, type CacheKey } from '../diff/snapshot-cache.js';
import { assertServerConfigured, lackedExtension, withServerMigrated, withServerScratch, withServerScratchEarly, type ScratchPlace } from '../database/server-scratch.js';
import type { Database } from '../driver/database.js';
import { describeSqlError, locate } from '../sql/sql-error.js';
import { EMBEDDED_MAJOR, versionProblems } from '../migrate/server-version.js';
import { CheckFailedError, UsageError } from '../errors.js';
import { timestampPrefix } from '../migrate/new.js';
import { describeSchemaDiff, diffSchemas, dumpSchema, introspectSchema, type SchemaDiff, type SchemaSnapshot } from '../schema/index.js';

export interface MigrateDiffOptions {
  /** The migration's name (`add_course_tags`); needed to write. */
  name?: string;
  /** `write` (default), `dry-run` (plan and verify, write nothing), `check` (exit 4 when schema and migrations differ). */
  mode?: 'write' | 'dry-run' | 'check';
  /** The desired schema: a folder of .sql files or one file (default: config schema.dir, else `schema/`). */
  schemaPath?: string;
  /** The current state from this live database instead of what the migrations build. */
  fromUrl?: string;
  hintsFile?: string;
  allowDataLoss?: boolean;
  allow?: Hazard[];
  /**
   * Where the scratch databases are: `embedded` (PGlite, in-process), `server` (throwaway
   * databases on the configured server). Default: embedded, unless the schema needs an extension
   * PGlite lacks and a server is configured.
   */
  scratch?: ScratchPlace;
  /**
   * Asked about each drop + add pair no hint settles (the CLI asks on a terminal only): a rename,
   * a meant drop, or nothing (then the pairs are an error, exit 4, as without it).
   */
  settle?: (pair: Ambiguity) => Promise<SettleAnswer>;
  now?: Date;
}

export interface MigrateDiffResult {
  /** The file written (relative to the project), when one was. */
  file?: string;
  up: Step[];
  down: Step[];
  /** The migration's text (empty when there is nothing to do). */
  text: string;
  /** `check`: what differs (expected = what the migrations build, actual = the schema folder). */
  diff?: SchemaDiff;
  /**
   * Where each side's schema came from: a scratch database built now, the project's cache
   * (.dbctl/schema-cache, diff/snapshot-cache.ts), or the live database (--from-url).
   */
  sources: { desired: 'built' | 'cached'; current: 'built' | 'cached' | 'live' };
}

/**
 * `dbctl migrate diff`: loads the desired schema into a scratch database (embedded, or on the
 * server: see ScratchPlace), builds the current one from the migrations on another (or reads a
 * live database, whose catalog then sizes each hazard), plans the migration and its down, verifies
 * both on the scratch database (drift against the desired schema, then against the start, must be
 * empty), and only then writes the file. Nothing is written unless verified.
 */
export async function migrateDiff(config: ResolvedConfig, options: MigrateDiffOptions = {}): Promise<MigrateDiffResult> {
  const mode = options.mode ?? 'write';
  if (mode === 'write' && !options.name) throw new UsageError('migrate diff: a name is needed to write the migration (dbctl migrate diff NAME)');
  const source = readSchemaSource(config.cwd, options.schemaPath ?? schemaDirOf(config));
  const hints = options.hintsFile ? readHints(path.resolve(config.cwd, options.hintsFile)) : { renames: [], drops: [] };
  const renames = [...source.renames, ...hints.renames];
  await refuseForProduction(source, config.postgres.version);
  // The desired schema's server scratch database is dropped while the work goes on (see
  // withServerScratchEarly); the command ends when it is gone.
  const drops: Promise<void>[] = [];
  try {
    const result = await planAndVerify(config, options, mode, source, hints, renames, drops);
    await Promise.all(drops);
    return result;
  } catch (error) {
    await Promise.allSettled(drops);
    throw error;
  }
}

async function planAndVerify(config: ResolvedConfig, options: MigrateDiffOptions, mode: NonNullable<MigrateDiffOptions['mode']>, source: SchemaSource, hints: Hints, renames: Rename[], drops: Promise<void>[]): Promise<MigrateDiffResult> {
  // The two sides are built at once on embedded scratch databases: the desired schema in a worker
  // thread (its own PGlite), the current one in this thread; at 1,000 tables each is seconds of
  // Postgres work on a core of its own, and they share nothing until the plan. On a server, one
  // after the other: a 1,000-table schema loads in one transaction that takes most of the
  // server's lock table (max_locks_per_transaction × max_connections), two of them overflow it
  // ("out of shared memory"), for everyone on that server.
  const guessed = options.scratch ?? 'embedded';
  const desiredBuild = desiredSnapshot(config, source, options.scratch, drops);
  desiredBuild.catch(() => {}); // awaited below, whichever way the current side goes
  // What the migrations build, from the cache (embedded scratch databases only): enough for
  // --check and for a clean empty plan. Any other plan goes the whole way below, on a scratch
  // database built afresh, and is verified there.
  const currentCache = options.fromUrl || guessed !== 'embedded' ? undefined : currentKey(config);
  const cachedCurrent = currentCache && readSnapshot(config, currentCache);
  if (cachedCurrent) {
    const { snapshot: desired, place, from } = await desiredBuild;
    if (place === 'embedded') {
      const sources = { desired: from, current: 'cached' } as const;
      if (mode === 'check') return { ...check(cachedCurrent, desired, source), sources };
      const up = planMigration(cachedCurrent, desired, { renames, drops: hints.drops });
      const down = planMigration(desired, cachedCurrent, { renames: invert(renames) });
      const clean = (p: typeof up) => !p.steps.length && !p.ambiguous.length && !p.unplannable.length;
      if (clean(up) && clean(down)) return { up: [], down: [], text: '', sources };
    }
  }
  // Undefined when the current side was built where the desired schema could not load (it needed
  // an extension the embedded database lacks): then it is built again where the desired one was.
  const planned = async (place: ScratchPlace) => {
    if (place === 'server') await desiredBuild;
    return withCurrent(config, options.fromUrl ?? (place === 'embedded' ? currentCache : undefined), place, (current, scratch) => onCurrent(current, scratch, place));
  };
  const onCurrent = async (current: SchemaSnapshot, scratch: Database, place: ScratchPlace): Promise<MigrateDiffResult | undefined> => {
    const { snapshot: desired, place: desiredPlace, from } = await desiredBuild;
    if (desiredPlace !== place) return undefined;
    const sources = { desired: from, current: options.fromUrl ? 'live' : 'built' } as const;
    if (mode === 'check') return { ...check(current, desired, source), sources };
    let up = planMigration(current, desired, { renames, drops: hints.drops });
    if (up.ambiguous.length && options.settle) {
      const answered = await settleAmbiguities(up.ambiguous, options.settle);
      renames.push(...answered.renames);
      up = planMigration(current, desired, { renames, drops: [...hints.drops, ...answered.drops] });
    }
    assertPlannable(up.unplannable);
    assertUnambiguous(up.ambiguous);
    const down = planMigration(desired, current, { renames: invert(renames) });
    assertPlannable(down.unplannable);
    if (!up.steps.length) return { up: [], down: [], text: '', sources };
    // Sized before the data-loss refusal, so that it says how much each step would delete.
    const [upSteps, downSteps] = options.fromUrl ? await sizedFromLive(config, options.fromUrl, up.steps, down.steps) : [up.steps, down.steps];
    assertAllowed(upSteps, options.allowDataLoss ? 'all' : new Set(options.allow ?? []));
    await verify(config, scratch, current, desired, up.steps, down.steps);
    const text = renderMigration(upSteps, downSteps, source.shown);
    const file = mode === 'write' ? writeMigration(config, options.name!, text, options.now) : undefined;
    return { file, up: upSteps, down: downSteps, text, sources };
  };
  try {
    const result = await planned(guessed);
    if (result) return result;
  } catch (error) {
    // The desired side's error first (as when it was built first), and a current side that failed
    // where the desired schema could not load either is built again where it did.
    const { place } = await desiredBuild;
    if (place === guessed) throw error;
  }
  return (await planned((await desiredBuild).place))!;
}

function schemaDirOf(config: ResolvedConfig): string {
  return config.schema.dir;
}

function check(current: SchemaSnapshot, desired: SchemaSnapshot, source: SchemaSource): Omit<MigrateDiffResult, 'sources'> {
  const diff = diffSchemas(current, desired);
  if (diff.equal) return { up: [], down: [], text: '', diff };
  throw new CheckFailedError(`migrate diff --check: ${source.shown} and the migrations differ:\n${describeSchemaDiff(diff, { missing: 'only in the migrations', extra: `only in ${source.shown}` }).join('\n')}`, {
    hint: 'run `dbctl migrate diff NAME` to write the migration, then commit it',
    data: { diff },
  }, 'diff_pending');
}

/**
 * The desired schema is loaded on a scratch database, the embedded engine (Postgres 18) or a
 * server, neither of which need run production's major (`postgres.version`): what that major
 * refuses would load, and the plan would carry it into a migration `migrate up` refuses. The
 * schema's files are checked first, as migrations are, naming file:line:col and the version.
 */
async function refuseForProduction(source: SchemaSource, major: number | undefined): Promise<void> {
  if (!major || major >= EMBEDDED_MAJOR) return;
  const userFunctions = new Set<string>();
  for (const { file, sql } of source.files) {
    const [first, ...more] = await versionProblems(sql, major, { userFunctions });
    if (!first) continue;
    const { line, col } = locate(sql, 1, first.offset);
    throw new UsageError(`${file}:${line}:${col}: ${first.message}; production runs PostgreSQL ${major} (postgres.version)${more.length ? ` (and ${more.length} more in this file)` : ''}`, {
      hint: `the embedded database is PostgreSQL ${EMBEDDED_MAJOR} and would accept it, the production server would not: write it the PostgreSQL ${major} way, or raise postgres.version if production is newer`,
      data: { file, line, col, problems: [first, ...more].map((p) => p.message) },
    }, 'schema_source_invalid');
  }
}

/**
 * Loads the schema's files, one by one so that an error names its file, into a scratch database:
 * embedded unless asked otherwise (in a worker thread when it can be: desired-in-worker.ts), or on
 * the server when the schema needs an extension PGlite does not ship and a server is configured
 * (then the current schema is built there too). A server's scratch database is dropped after the
 * snapshot is returned: `drops` settles when it is gone.
 */
async function desiredSnapshot(config: ResolvedConfig, source: SchemaSource, asked: ScratchPlace | undefined, drops: Promise<void>[]): Promise<{ snapshot: SchemaSnapshot; place: ScratchPlace; from: 'built' | 'cached' }> {
  if (asked === 'server') assertServerConfigured(config, 'migrate diff --scratch server');
  const place = asked ?? 'embedded';
  const load = (database: Database) => loadSchemaSnapshot(database, source.files, config.migrations);
  const onServer = () => {
    const { result, dropped } = withServerScratchEarly(config, load);
    dropped.catch(() => {}); // awaited at the end of the command
    drops.push(dropped);
    return result;
  };
  // Only embedded snapshots are cached: the key holds PGlite's version, not a server's.
  const key = place === 'embedded' ? desiredKey(config, source) : undefined;
  const cached = key && readSnapshot(config, key);
  if (cached) return { snapshot: cached, place, from: 'cached' };
  try {
    const snapshot = place === 'server' ? await onServer() : desiredWorkerAvailable() ? await desiredInWorker(config, source.files, config.migrations) : await withScratch(config, load);
    if (key) writeSnapshot(config, key, snapshot);
    return { snapshot, place, from: 'built' };
  } catch (error) {
    const extension = asked ? undefined : lackedExtension((error as UsageError).cause);
    if (extension === undefined) throw error;
    assertServerConfigured(config, `${source.shown} needs the extension "${extension}", which the embedded database does not ship, so it must load on a server`);
    return { snapshot: await onServer(), place: 'server', from: 'built' };
  }
}

async function withScratch<T>(config: ResolvedConfig, fn: (database: Database) => Promise<T>, place: ScratchPlace = 'embedded'): Promise<T> {
  if (place === 'server') return withServerScratch(config, fn);
  const database = await openDatabaseFor(config, 'throwaway', { target: scratchInMemory(config.cwd) });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

/**
 * The current schema and a scratch database holding it, for verification: the migrations applied
 * to a scratch database (embedded: its snapshot cached under `from`'s key), or (`from` a URL,
 * --from-url) the live database's schema, read and then loaded into a scratch database from its dump.
 */
async function withCurrent<T>(config: ResolvedConfig, from: string | CacheKey | undefined, place: ScratchPlace, fn: (current: SchemaSnapshot, scratch: Database) => Promise<T>): Promise<T> {
  if (typeof from === 'string') {
    const live = await openDatabaseFor(config, 'command', { url: from });
    let current: SchemaSnapshot;
    try {
      current = await introspectSchema(live, { migrations: config.migrations });
    } finally {
      await live.close();
    }
    return withScratch(config, async (scratch) => {
      await scratch.session((client) => client.script(dumpSchema(current)));
      return fn(await introspectSchema(scratch, { migrations: config.migrations }), scratch);
    }, place);
  }
  const migrated = place === 'server' ? withServerMigrated : withMigratedDatabase;
  return migrated(config, async (scratch) => {
    const current = await introspectSchema(scratch, { migrations: config.migrations });
    if (from) writeSnapshot(config, from, current);
    return fn(current, scratch);
  });
}

/**
 * Up, drift against the desired schema; down, drift against the start. Either non-empty: nothing
 * is written. Runs of steps that can run in a transaction go in scripts of CHUNK steps (at 1,000
 * tables a round trip per statement was most of a create plan's time); a script is one implicit
 * transaction, so when one fails nothing of it stays and its steps run again one by one, which
 * names the failing step, exactly as running every step alone does. Not the whole section in one
 * transaction: dropping 1,000 tables in one runs out of PGlite's lock table ("out of shared memory").
 */
const CHUNK = 50;

async function verify(config: ResolvedConfig, scratch: Database, current: SchemaSnapshot, desired: SchemaSnapshot, up: Step[], down: Step[]): Promise<void> {
  const oneByOne = async (steps: Step[], direction: string) => {
    for (const s of steps) {
      try {
        await scratch.query(s.sql);
      } catch (error) {
        throw new CheckFailedError(`migrate diff: the plan failed on a scratch database (${direction}) at ${s.object}: ${describeSqlError(error).message}\n  ${s.sql.split('\n').join('\n  ')}`, {
          hint: 'nothing was written; write this change by hand (dbctl migrate new) and report the case',
          data: { direction, object: s.object, sql: s.sql },
        }, 'diff_unverified');
      }
    }
  };
  const run = async (steps: Step[], direction: string) => {
    for (let i = 0; i < steps.length; ) {
      if (!steps[i].transaction) {
        await oneByOne([steps[i]], direction);
        i++;
        continue;
      }
      let end = i;
      while (end < steps.length && end - i < CHUNK && steps[end].transaction) end++;
      const chunk = steps.slice(i, end);
      try {
        await scratch.session((client) => client.script(chunk.map((s) => s.sql).join('\n;\n')));
      } catch {
        await oneByOne(chunk, direction);
      }
      i = end;
    }
  };
  const expectSame = async (expected: SchemaSnapshot, direction: string) => {
    const diff = diffSchemas(expected, await introspectSchema(scratch, { migrations: config.migrations }));
    if (diff.equal) return;
    throw new CheckFailedError(`migrate diff: after the ${direction} the scratch database still differs; the plan misses:\n${describeSchemaDiff(diff, { missing: 'not done', extra: 'left over' }).join('\n')}`, {
      hint: 'nothing was written; write these changes by hand (dbctl migrate new) and report the case',
      data: { direction, diff },
    }, 'diff_unverified');
  };
  await run(up, 'up');
  await expectSame(desired, 'up');
  await run(down, 'down');
  await expectSame(current, 'down');
}

/** Each hazard sized from the live database's catalog, as `migrate lint` sizes the tables a migration locks. */
async function sizedFromLive(config: ResolvedConfig, url: string, up: Step[], down: Step[]): Promise<[Step[], Step[]]> {
  const sized = await withDatabaseFor(config, 'command', (live) => sizeSteps(live, [...up, ...down], config.lint.largeTableRows ?? DEFAULT_LARGE_TABLE_ROWS), { url });
  return [sized.slice(0, up.length), sized.slice(up.length)];
}

function writeMigration(config: ResolvedConfig, name: string, text: string, now?: Date): string {
  const slug = name.trim().replace(/[\s-]+/g, '_').toLowerCase();
  if (!/^[a-z0-9_]+$/.test(slug)) throw new UsageError(`invalid migration name "${name}": use letters, digits, _ or -`);
  fs.mkdirSync(config.migrations.dir, { recursive: true });
  const file = path.join(config.migrations.dir, `${timestampPrefix(now)}_${slug}.sql`);
  if (fs.existsSync(file)) throw new UsageError(`${path.basename(file)} already exists`);
  fs.writeFileSync(file, text);
  return path.relative(config.cwd, file);
}

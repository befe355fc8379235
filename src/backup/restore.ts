import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKUP_DEFAULTS, type BackupSettings } from './settings.js';
import type { Database } from '../driver/database.js';
import { describeTarget } from '../driver/target.js';
import type { Observer } from '../driver/observe.js';
import { assertDestructiveAllowed, type GuardOptions, type Protection } from '../guard/index.js';
import { OperationError, RefusedError, UsageError } from '../errors.js';
import { compareTables, dumpChecksum, hashSessions, readManifest, type Manifest, type TableDifference } from './manifest.js';
import { databaseContents, tableContentsEach } from '../catalog/parallel-contents.js';
import { canonicalSettingsScript, digestOf, DIGEST_VERSION, querySums, type TableContents } from '../catalog/contents.js';
import { copyContentsAsLoaded, copyContentsEach, copyHashable, tableKey } from './copy-contents.js';
import type { TableRef } from '../catalog/tables.js';
import { quoteIdent } from '../sql/quote.js';
import { anyRows, hasUserTables, listManifestTables, serverVersion, toSnapshot, truncateTables, wipeSchemas } from './snapshot.js';
import { createMissingRoles } from './roles.js';
import { restoreStopped, type RestoreLeft } from './restore-left.js';
import { assertToolSupportsServer, libpqConnection, runToolForServer, type Tool } from './tools.js';
import { postDataLists } from './toc.js';
import { restoreDataSection } from './data-section.js';
import type { LoadedDigest } from './data-script.js';

/** `force` and `confirm` (src/guard): what `clean` needs in a protected environment. */
export interface RestoreOptions extends GuardOptions, Pick<BackupSettings, 'pgRestore' | 'connectTimeoutMs' | 'poolSize'> {
  file: string;
  /** The database to restore into (already open). */
  database: Database;
  /** The environment the target belongs to: `clean` asks src/guard first. None: nothing is protected. */
  protection?: Protection;
  /** Empty a non-empty target first (drops its user schemas; data-only: truncates the dump's tables). */
  clean?: boolean;
  /** Told what it is doing now (`progress`), for a front end's progress line. */
  observe?: Pick<Observer, 'progress'>;
  /** Aborting stops pg_restore (or the loader between statements); its transaction rolls back. */
  signal?: AbortSignal;
  /** pg_restore's parallel jobs (`-j`; custom and directory dumps). More than 1 restores in sections, not in one transaction. */
  jobs?: number;
  /**
   * The target was made for this restore and is removed if it fails (`restore --create`): the
   * restore need not be one transaction, so it runs in sections and verification reads the tables
   * while pg_restore builds indexes and constraints.
   */
  fresh?: boolean;
  /**
   * Verify by reading every table back from the restored database. Otherwise, where dbctl loads
   * the data itself (`fresh`), a table whose rows are hashed on their way in, and stored by the
   * server in that number, is verified by that digest (data-section.ts loadableTables); a table
   * whose digest differs from the manifest is read back all the same.
   */
  readBack?: boolean;
}

export type RestoreMethod = 'pg_restore' | 'sql-loader';

export interface RestoreReport extends Verification {
  file: string;
  method: RestoreMethod;
  /**
   * Who loaded the rows: dbctl's loader for a plain dump (`sql-loader`), and for a custom or
   * directory dump restored into a new database by one job (pg_restore then makes the schema,
   * indexes and keys); pg_restore otherwise.
   */
  rowsLoadedBy: 'dbctl' | 'pg_restore';
  cleaned: boolean;
  /** Roles the dump refers to that did not exist in the target, created NOLOGIN. */
  createdRoles: string[];
  durationMs: { restore: number; verify: number; total: number };
  /** Tables verified by the digest of their rows as they loaded (the rest were read back). */
  hashedAsLoaded: number;
}

/** Thrown when a database does not match the manifest; `data` holds the full report. */
export class BackupVerificationError extends OperationError {
  constructor(readonly report: RestoreReport | Verification) {
    super(`verification failed: ${report.differences.length} table(s) differ from the manifest`, {
      hint: 'the database does not hold what the backup holds: do not rely on it until you know why',
      data: { restore: report },
    }, 'manifest_mismatch');
  }
}

/**
 * Restores a dbctl backup and verifies every table's row count and content hash against its
 * manifest. The file's sha256 is checked before anything is touched; a non-empty target is refused
 * unless `clean` (and the protected-environment guard agrees).
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreReport> {
  const { database, file } = options;
  const started = performance.now();
  const manifest = readManifest(file);
  // Read-only checks at once: the file's checksum, whether the target is empty, the client tool's
  // version. Nothing is written before all of them pass; a corrupt file is reported first.
  const method = (() => {
    try {
      return restoreMethod(manifest, database, options.jobs ?? 1);
    } catch (error) {
      return error as Error;
    }
  })();
  const [sha, occupiedCheck, prepared] = await Promise.allSettled([
    dumpChecksum(file),
    manifest.content === 'data-only' ? anyRows(database, manifest.tables) : hasUserTables(database),
    method instanceof Error || method === 'sql-loader' ? undefined : prepareServerRestore(file, database, options),
  ]);
  const actualSha = settled(sha);
  if (actualSha !== manifest.sha256) {
    throw new OperationError(`backup file ${file} is corrupt: its sha256 differs from the manifest`, {
      hint: 'the file was changed or truncated after the backup; use another backup',
      data: { expected: manifest.sha256, actual: actualSha },
    }, 'corrupt_backup');
  }
  if (method instanceof Error) throw method;
  const occupied = settled(occupiedCheck);
  const serverRestore = settled(prepared);
  if (occupied) {
    if (!options.clean) {
      throw new RefusedError(`restore refused: ${describeTarget(database.target)} is not empty`, {
        hint: 'restore into a new database (--create NAME), or pass --clean to replace its contents',
      }, 'not_empty');
    }
    if (options.protection) await assertDestructiveAllowed({ config: options.protection, target: database.target, operation: 'restore --clean', force: options.force, confirm: options.confirm });
    await serverRestore?.check();
    if (manifest.content === 'data-only') await truncateTables(database, manifest.tables);
    else await wipeSchemas(database);
  }
  // What the target holds if the run stops from here on (--create's target is removed instead).
  const partial = !options.fresh && serverRestore !== undefined && (options.jobs ?? 1) > 1;
  const left: RestoreLeft = partial ? 'partial' : occupied ? 'emptied' : 'untouched';

  const progress = options.observe?.progress ?? (() => {});
  const restoreStarted = performance.now();
  // restoreAndVerify's sections path, the one where dbctl loads a server dump's rows itself.
  const rowsLoadedBy = method === 'sql-loader' || (serverRestore?.loadsTables && manifest.content === 'full') ? 'dbctl' : 'pg_restore';
  progress(`restoring with ${method === 'sql-loader' ? "dbctl's loader" : rowsLoadedBy === 'dbctl' ? "pg_restore and dbctl's loader" : method}`);
  const { createdRoles, verification, times, hashedAsLoaded } = await (async () => {
    const createdRoles = await createMissingRoles(database, manifest.roles ?? []);
    return { createdRoles, ...await restoreAndVerify(options, manifest, serverRestore) };
  })().catch((error) => {
    throw restoreStopped(error, left, describeTarget(database.target), options.signal);
  });
  const done = performance.now();
  const report: RestoreReport = {
    ...verification,
    file,
    method,
    rowsLoadedBy,
    cleaned: occupied,
    createdRoles,
    hashedAsLoaded,
    durationMs: {
      restore: Math.round(times.restored - restoreStarted),
      verify: Math.round(done - times.verifyStarted),
      total: Math.round(done - started),
    },
  };
  if (report.differences.length) throw new BackupVerificationError(report);
  return report;
}

/** Runs the restore and the verification: one after the other, or (in sections) overlapped. */
async function restoreAndVerify(options: RestoreOptions, manifest: Manifest, serverRestore: ServerRestore | undefined): Promise<{ verification: Verification; times: { restored: number; verifyStarted: number }; hashedAsLoaded: number }> {
  const { database, file } = options;
  const progress = options.observe?.progress ?? (() => {});
  const verify = (eachTable: boolean, verified?: Map<string, TableContents>) => {
    const left = manifest.tables.length - (verified?.size ?? 0);
    // Every table hashed as it loaded: what runs now is the index builds and foreign keys.
    progress(left ? `verifying ${left} table(s) against the manifest` : 'building indexes and foreign keys');
    return verifyAgainstManifest(database, manifest, {
      sessions: hashSessions(options),
      eachTable,
      verified,
      onTable: (done, total) => progress(`verifying against the manifest: ${done} of ${total} table(s) hashed`),
    });
  };
  if (serverRestore && manifest.content === 'full' && (options.fresh || (options.jobs ?? 1) > 1)) {
    // dbctl's own data section (fresh, one job) commits table by table. A table hashed as it
    // loaded, all of its rows stored, and matching the manifest is verified; any other is read
    // back while the next one loads, on the core the load leaves idle (the last one with the rest).
    const early = serverRestore.loadsTables ? copyContentsAsLoaded(database) : undefined;
    const expected = new Map(manifest.tables.map((t) => [tableKey({ schema: t.schema, table: t.name }), t]));
    const asLoaded = new Map<string, TableContents>();
    return serverRestore
      .runInSections(
        async () => {
          const verified = new Map([...((await early?.finish()) ?? []), ...asLoaded]);
          return verify(true, verified);
        },
        {
          readBack: options.readBack,
          tableLoaded: (table, loaded) => {
            const want = expected.get(tableKey(table));
            if (loaded && want && loaded.rows === loaded.stored && loaded.rows === want.rows && loaded.digest === want.hash) asLoaded.set(tableKey(table), { ...table, rows: loaded.rows, digest: loaded.digest });
            else early?.add(table);
          },
          dataLoaded: () => early?.stop(),
        },
      )
      .then((done) => ({ ...done, hashedAsLoaded: asLoaded.size }))
      .catch((error) => {
        early?.cancel();
        throw error;
      });
  }
  if (serverRestore) await serverRestore.run();
  else {
    // Loaded only for this path: the loader (and the Kysely it runs on) costs a pg_restore start-up nothing.
    const { loadSqlDump } = await import('./sql-loader.js');
    await loadSqlDump(database, readPlainDump(file), { file, signal: options.signal });
  }
  const restored = performance.now();
  return { verification: await verify(false), times: { restored, verifyStarted: restored }, hashedAsLoaded: 0 };
}

export interface Verification {
  target: string;
  manifest: Pick<Manifest, 'createdAt' | 'database' | 'backend' | 'format' | 'content' | 'serverVersion' | 'dbctlVersion'>;
  tables: number;
  rows: number;
  differences: TableDifference[];
  /** What matches in rows but not in form: tables distributed (Citus) at backup time that are local here. */
  warnings: string[];
}

export interface VerifyOptions {
  sessions?: number;
  /** Tables already hashed (copyContentsAsLoaded, by tableKey): not read again. */
  verified?: Map<string, TableContents>;
  /** Each table in a transaction of its own (no snapshot across tables): for a database being altered, not written. */
  eachTable?: boolean;
  onTable?: (done: number, total: number) => void;
}

/** Compares a database's tables (counts, content hashes) with a manifest; changes nothing. */
export async function verifyAgainstManifest(database: Database, manifest: Manifest, options: VerifyOptions = {}): Promise<Verification> {
  const contents = { content: manifest.content !== 'schema-only', distributed: database.capabilities.distributed, sessions: options.sessions ?? 4, onTable: options.onTable };
  // On a server several sessions share one snapshot (as consistent as one transaction, and faster);
  // or, while a restore alters the tables, each table is read in a transaction of its own.
  const actual = (options.eachTable && contents.content ? await eachTableBut(database, await listManifestTables(database), contents, options.verified) : await databaseContents(database, contents)).map(toSnapshot);
  const { createdAt, database: name, backend, format, content, serverVersion, dbctlVersion } = manifest;
  return {
    warnings: await distributionWarnings(database, manifest),
    target: describeTarget(database.target),
    manifest: { createdAt, database: name, backend, format, content, serverVersion, dbctlVersion },
    tables: manifest.tables.length,
    rows: manifest.tables.reduce((n, t) => n + (t.rows ?? 0), 0),
    differences: await allowLegacyDigests(database, manifest, compareTables(manifest, actual)),
  };
}

/** eachTable, for the tables not already `verified`. */
async function eachTableBut(database: Database, tables: TableRef[], contents: Parameters<typeof eachTable>[2], verified = new Map<string, TableContents>()): Promise<TableContents[]> {
  const known = tables.map((t) => verified.get(tableKey(t)));
  const rest = await eachTable(database, tables.filter((_, i) => !known[i]), contents);
  return [...known.filter((t): t is TableContents => t !== undefined), ...rest];
}

/**
 * Each table read in a transaction of its own (a restore is building indexes meanwhile). On a
 * server, the rows are read with COPY and hashed in this process, so the backend only prints them
 * (copy-contents.ts: measured faster than the server's md5 of every row); on PGlite, Citus (a
 * distributed table's rows come from its workers) or a server whose encoding is not UTF8, the
 * server hashes them.
 */
async function eachTable(database: Database, tables: TableRef[], contents: { sessions: number; distributed?: 'citus'; onTable?: (done: number, total: number) => void }): Promise<TableContents[]> {
  if (database.target.kind === 'pg' && database.capabilities.concurrentSessions && !contents.distributed && (await copyHashable(database))) {
    return copyContentsEach(database, tables, contents);
  }
  return tableContentsEach(database, tables, contents);
}

/**
 * A manifest written before digest version 2 hashed a table with a column named `r` by that
 * column alone (src/catalog/contents.ts sumsQuery): such a table's content difference is looked at
 * again with that digest, so old backups still verify. Every other table's digest is unchanged.
 */
async function allowLegacyDigests(database: Database, manifest: Manifest, differences: TableDifference[]): Promise<TableDifference[]> {
  if ((manifest.digestVersion ?? 1) >= DIGEST_VERSION || !differences.some((d) => d.problem === 'content')) return differences;
  const out: TableDifference[] = [];
  for (const difference of differences) {
    const table = difference.problem === 'content' ? manifest.tables.find((t) => `${t.schema}.${t.name}` === difference.table) : undefined;
    if (table && (await legacyDigest(database, { schema: table.schema, table: table.name })) === difference.expected) continue;
    out.push(difference);
  }
  return out;
}

/** The version-1 digest of a table that has a column named `r` (undefined for any other table: it hashed as now). */
async function legacyDigest(database: Database, table: TableRef): Promise<string | undefined> {
  const { rows } = await database.query(`select 1 from pg_catalog.pg_attribute where attrelid = $1::regclass and attname = 'r' and attnum > 0 and not attisdropped`, [`${quoteIdent(table.schema)}.${quoteIdent(table.table)}`]);
  if (!rows.length) return undefined;
  return database.session(async (client) => {
    await client.query(`begin read only; ${canonicalSettingsScript({ distributed: database.capabilities.distributed })}`);
    try {
      return digestOf(await querySums(client, table, undefined, true));
    } finally {
      await client.query('rollback').catch(() => {});
    }
  });
}

/** Tables the manifest says were distributed and that are not (or not the same way) in `database`. */
async function distributionWarnings(database: Database, manifest: Manifest): Promise<string[]> {
  const expected = manifest.distributed?.tables ?? [];
  if (!expected.length) return [];
  const actual = database.capabilities.distributed === 'citus' ? await (await import('../citus/cluster.js')).citusTableShards(database) : [];
  const local = expected.filter((e) => !actual.some((a) => a.table === e.table && a.type === e.type && a.distributionColumn === e.distributionColumn));
  if (!local.length) return [];
  return [`${local.length} table(s) were Citus ${[...new Set(local.map((t) => t.type))].join('/')} tables when backed up and are not here: ${local.map((t) => `${t.table} (${t.type}${t.distributionColumn ? ` by ${t.distributionColumn}` : ''})`).join(', ')}. Their rows match the manifest; distribute them again (create_distributed_table / create_reference_table)`];
}

/**
 * A custom-format dump goes back through pg_restore (a server only). Every plain dump, from either
 * side and into either side, goes through dbctl's loader, never psql: a plain dump is executable
 * input, and psql would run the meta-commands (`\!` runs a shell command) of a forged one.
 */
function restoreMethod(manifest: Manifest, database: Database, jobs: number): RestoreMethod {
  if (manifest.format !== 'plain') {
    if (database.capabilities.dump !== 'pg_dump') {
      throw new UsageError(`${manifest.file} is a ${manifest.format}-format dump: it restores onto a server only (PGlite has no pg_restore)`, {
        hint: 'restore it with --into postgres://…, or back up with --format plain to restore into PGlite',
      }, 'unsupported_restore');
    }
    return 'pg_restore';
  }
  if (jobs > 1) throw new UsageError(`--jobs ${jobs}: ${manifest.file} is a plain SQL dump, which dbctl loads in one session`, { hint: 'leave --jobs out, or back up with --format directory' });
  return 'sql-loader';
}

/** The loader holds a plain dump in memory as one string, which V8 caps at about 512 MB. */
const PLAIN_LIMIT = 500 * 1024 * 1024;

function readPlainDump(file: string): string {
  const bytes = fs.statSync(file).size;
  if (bytes > PLAIN_LIMIT) {
    throw new UsageError(`${file} is a plain dump of ${Math.round(bytes / 1024 / 1024)} MB: dbctl restores plain dumps of up to 500 MB`, {
      hint: 'back up with --format custom (the default on a server), which pg_restore streams',
    }, 'unsupported_restore');
  }
  return fs.readFileSync(file, 'utf8');
}

/** Checks the client tool against the server, then returns the restore itself, to run once allowed. */
async function prepareServerRestore(file: string, database: Database, options: Pick<RestoreOptions, 'signal' | 'jobs' | 'pgRestore' | 'connectTimeoutMs' | 'observe' | 'fresh'>): Promise<ServerRestore> {
  const tool: Tool = { name: 'pg_restore', bin: options.pgRestore ?? BACKUP_DEFAULTS.pgRestore };
  const version = await serverVersion(database);
  const conn = libpqConnection(database.target.url, options.connectTimeoutMs);
  // Into an empty database, pg_restore runs without a `--version` round first (a Perl wrapper on
  // Debian, as slow as a small restore): one older than the server is named when it fails.
  const pgRestore = async (args: string[]) => void (await runToolForServer(tool, ['--no-owner', '--exit-on-error', ...args, '--dbname', conn.dbname, file], conn.env, 'pg_restore', Promise.resolve(version), { signal: options.signal }));
  const jobs = (options.jobs ?? 1) > 1 ? ['--jobs', String(options.jobs)] : [];
  // Only into a database made for this restore: the loader empties each table it loads.
  const loadsTables = options.fresh === true && !jobs.length && !database.capabilities.distributed;
  return {
    check: async () => {
      await assertToolSupportsServer(tool, version.num, version.text);
    },
    run: () => pgRestore(jobs.length ? jobs : ['--single-transaction']),
    loadsTables,
    runInSections: async (verify, hooks = {}) => {
      const lists = postDataLists(tool, file);
      lists.catch(() => {});
      await pgRestore(['--section=pre-data', '--single-transaction']);
      // One stream of tables: dbctl loads them frozen (data-section.ts). In parallel, pg_restore's jobs.
      if (!loadsTables) await pgRestore(['--section=data', ...jobs]);
      else {
        await restoreDataSection({
          tool,
          file,
          url: database.target.url,
          signal: options.signal,
          onTable: (table) => options.observe?.progress?.(`restoring the data: ${table.schema}.${table.table}`),
          onLoaded: hooks.tableLoaded,
          readBack: hooks.readBack,
        });
      }
      hooks.dataLoaded?.();
      // The rows are all in. What locks a table against its readers (a primary key or unique
      // constraint is ACCESS EXCLUSIVE) goes first: run beside the verification, it would wait for
      // the table's whole read, and every index build after it with it. Then the index builds and
      // foreign keys run while the verification reads the tables (measured: docs/benchmarks.md).
      const { first, then } = await lists;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-restore-'));
      try {
        const list = (name: string, text: string) => {
          fs.writeFileSync(path.join(dir, name), text);
          return ['--section=post-data', '--use-list', path.join(dir, name), ...jobs];
        };
        options.observe?.progress?.('restoring keys, triggers, rules and policies');
        await pgRestore(list('first.list', first));
        const verifyStarted = performance.now();
        let restored = 0;
        const [post, verified] = await Promise.allSettled([pgRestore(list('then.list', then)).then(() => void (restored = performance.now())), verify()]);
        if (post.status === 'rejected') throw post.reason;
        return { verification: settled(verified), times: { restored, verifyStarted } };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

interface ServerRestore {
  /** Refuses a client older than the server: run before anything is emptied (--clean). */
  check(): Promise<void>;
  /** The whole restore: one transaction (or, with --jobs, pg_restore's parallel sections). */
  run(): Promise<void>;
  /** Whether runInSections loads the data itself, table by table (data-section.ts): `hooks` are told of each. */
  loadsTables: boolean;
  /** Schema, then data, then indexes and constraints while `verify` reads the tables. */
  runInSections(verify: () => Promise<Verification>, hooks?: SectionHooks): Promise<{ verification: Verification; times: { restored: number; verifyStarted: number } }>;
}

interface SectionHooks {
  /** A table's rows are committed; `digest`: of the rows it was sent, if they were hashed (data-section.ts). */
  tableLoaded?(table: TableRef, digest: LoadedDigest | undefined): void;
  /** Hash no table as it loads. */
  readBack?: boolean;
  /** The data section is done. */
  dataLoaded?(): void;
}

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

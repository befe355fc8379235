import fs from 'node:fs';
import path from 'node:path';
import type { Observer } from '../driver/observe.js';
import type { Database } from '../driver/database.js';
import { backendOf, databaseName } from '../driver/target.js';
import { UsageError } from '../errors.js';
import { Migrator } from '../migrate/migrator.js';
import { BACKUP_DEFAULTS, type BackupSettings } from './settings.js';
import { VERSION } from '../version.js';
import { DIGEST_VERSION } from '../catalog/contents.js';
import { CITUS_CAPTURE_NOTE, directoryChecksum, dumpBytes, sha256File, writeManifest, type BackupContent, type BackupFormat, type DistributedManifest, type Manifest, type ManifestMigrations } from './manifest.js';
import { dumpWithPgDump, dumpWithPglite, type DumpJob, type Dumped } from './dumpers.js';
import { referencedRoles } from './roles.js';
import { startPartialDump } from './partial-dump.js';

export interface BackupOptions extends BackupSettings {
  database: Database;
  /** Dump file; default `<backups.dir>/<database>-<UTC timestamp>.<dump|sql>`. */
  out?: string;
  /** Default: custom on a server, plain on PGlite (its pg_dump writes SQL only). */
  format?: BackupFormat;
  schemaOnly?: boolean;
  dataOnly?: boolean;
  now?: Date;
  /** Told what it is doing now (`progress`), for a front end's progress line. */
  observe?: Pick<Observer, 'progress'>;
  /** Aborting stops pg_dump and removes the partial dump; the backup fails with the signal's reason. */
  signal?: AbortSignal;
  /** pg_dump's parallel jobs (`-j`); more than 1 needs the directory format (the default then). */
  jobs?: number;
}

export interface BackupReport {
  file: string;
  manifestFile: string;
  manifest: Manifest;
  durationMs: { dump: number; manifest: number; total: number };
  /** What the backup does not capture (a Citus coordinator's distribution). */
  warnings: string[];
}

/**
 * What can be refused without a database: contradicting flags, and an `--out` that exists or lies
 * under a file. A front end calls it before opening the database (an embedded start, a connection),
 * so a mistyped command touches nothing; backupDatabase calls it again for library callers.
 */
export function checkBackupOptions(options: Pick<BackupOptions, 'schemaOnly' | 'dataOnly' | 'out' | 'format' | 'jobs'>, cwd: string): void {
  if (options.schemaOnly && options.dataOnly) throw new UsageError('choose one of --schema-only and --data-only');
  if ((options.jobs ?? 1) > 1 && options.format && options.format !== 'directory') {
    throw new UsageError(`--jobs ${options.jobs} needs --format directory (pg_dump dumps in parallel only into a directory)`, { hint: 'pass --format directory, or leave --format out' });
  }
  if (options.out === undefined) return;
  const file = path.resolve(cwd, options.out);
  if (fs.existsSync(file)) {
    if (fs.statSync(file).isDirectory()) throw new UsageError(`cannot write the backup to ${file}: it exists (--out names a new dump file or folder)`);
    throw new UsageError(`backup file already exists: ${file}`, { hint: 'choose another --out, or remove the file' });
  }
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (!fs.existsSync(dir)) continue;
    if (!fs.statSync(dir).isDirectory()) throw new UsageError(`cannot write the backup to ${file}: ${path.relative(cwd, dir) || dir} is a file, not a folder`);
    break;
  }
}

/**
 * Dumps the database and writes a manifest beside the dump. On a server the dump and the manifest's
 * counts and hashes come from one exported snapshot, so they agree even while writes go on.
 */
export async function backupDatabase(options: BackupOptions): Promise<BackupReport> {
  const { database, signal } = options;
  const cwd = options.cwd ?? process.cwd();
  checkBackupOptions(options, cwd);
  const format = backupFormat(options, database.capabilities.dump);
  const content: BackupContent = options.schemaOnly ? 'schema-only' : options.dataOnly ? 'data-only' : 'full';
  const now = options.now ?? new Date();
  const name = backupName(database);
  const file = path.resolve(cwd, options.out ?? path.join(options.dir ?? BACKUP_DEFAULTS.dir, `${name}-${stamp(now)}${EXTENSION[format]}`));
  if (fs.existsSync(file)) throw new UsageError(`backup file already exists: ${file}`, { hint: 'choose another --out, or remove the file' });
  // The dump is written under a temporary name and takes its own only once its manifest is
  // written: a dump that exists under its name always has one (see partial-dump.ts).
  const partial = startPartialDump(file, format === 'directory' ? 'directory' : 'file');
  const started = performance.now();
  // What the manifest records besides the tables needs no snapshot: on a server it is read on other
  // pooled sessions while the dump runs (PGlite has one session: afterwards).
  let side: Promise<[ManifestMigrations | { error: string }, string[]]> | undefined;
  const startSide = () => {
    side = Promise.all([migrationState(database, options.migrator), database.session((client) => referencedRoles(client))]);
    side.catch(() => {}); // awaited below; a failure here must not surface as an unhandled rejection first
  };
  const job: DumpJob = { database, settings: options, partial, format, content, jobs: options.jobs ?? 1, signal, progress: options.observe?.progress ?? (() => {}), onDumpStarted: startSide };
  let dumped: Dumped;
  try {
    dumped = await DUMPERS[database.capabilities.dump](job);
    signal?.throwIfAborted();
  } catch (error) {
    fs.rmSync(partial, { force: true, recursive: true });
    await side?.catch(() => {});
    throw signal?.aborted ? signal.reason : error;
  }
  let manifestFile: string | undefined;
  try {
    if (!side) startSide();
    const [[migrations, roles], sha256] = await Promise.all([side!, dumped.files ? directoryChecksum(dumped.files) : sha256File(partial)]);
    const manifest: Manifest = {
      manifestVersion: 1,
      digestVersion: DIGEST_VERSION,
      dbctlVersion: VERSION,
      createdAt: now.toISOString(),
      file: path.basename(file),
      bytes: dumpBytes(partial),
      sha256,
      ...(dumped.files ? { files: dumped.files } : {}),
      format,
      content,
      backend: backendOf(database.target).id,
      database: name,
      serverVersion: dumped.version.text,
      serverVersionNum: dumped.version.num,
      dumpTool: dumped.dumpTool,
      migrations,
      roles,
      tables: dumped.tables,
    };
    const warnings = await distributionNotes(database, manifest);
    signal?.throwIfAborted();
    manifestFile = writeManifest(file, manifest);
    fs.renameSync(partial, file);
    const total = performance.now() - started;
    return { file, manifestFile, manifest, warnings, durationMs: { dump: Math.round(dumped.dumpMs), manifest: Math.round(total - dumped.dumpMs), total: Math.round(total) } };
  } catch (error) {
    fs.rmSync(partial, { force: true, recursive: true });
    if (manifestFile && !fs.existsSync(file)) fs.rmSync(manifestFile, { force: true });
    throw signal?.aborted ? signal.reason : error;
  }
}

const EXTENSION: Record<BackupFormat, string> = { custom: '.dump', plain: '.sql', directory: '.dumpdir' };
const DUMPERS: Record<Database['capabilities']['dump'], (job: DumpJob) => Promise<Dumped>> = { 'pglite-tools': dumpWithPglite, pg_dump: dumpWithPgDump };

/** The format asked for, or the backend's default; --jobs needs the directory format. */
function backupFormat(options: Pick<BackupOptions, 'format' | 'jobs'>, dump: Database['capabilities']['dump']): BackupFormat {
  const jobs = options.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs ${options.jobs}: a whole number of at least 1`);
  if (dump === 'pglite-tools') {
    if (options.format && options.format !== 'plain') throw new UsageError(`--format ${options.format} is not available on PGlite: its pg_dump writes plain SQL`, { hint: 'use --format plain (the default on PGlite)' });
    if (jobs > 1) throw new UsageError('--jobs is not available on PGlite: it has one session', { hint: 'leave --jobs out' });
    return 'plain';
  }
  const format = options.format ?? (jobs > 1 ? 'directory' : 'custom');
  if (jobs > 1 && format !== 'directory') throw new UsageError(`--jobs ${jobs} needs --format directory (pg_dump dumps in parallel only into a directory)`, { hint: 'pass --format directory, or leave --format out' });
  return format;
}

/** Citus: the distribution the dump does not carry goes into the manifest, and a warning says so. */
async function distributionNotes(database: Database, manifest: Manifest): Promise<string[]> {
  if (database.capabilities.distributed !== 'citus') return [];
  manifest.distributed = await citusManifest(database);
  const n = manifest.distributed.tables.length;
  return n ? [`Citus: ${n} distributed or reference table(s) backed up as ${CITUS_CAPTURE_NOTE}`] : [];
}

async function citusManifest(database: Database): Promise<DistributedManifest> {
  const { citusTableShards } = await import('../citus/cluster.js');
  const tables = (await citusTableShards(database)).map((t) => ({ table: t.table, type: t.type, distributionColumn: t.distributionColumn, shards: t.shards }));
  return { extension: 'citus', captured: CITUS_CAPTURE_NOTE, tables };
}

async function migrationState(database: Database, migrator: BackupSettings['migrator']): Promise<ManifestMigrations | { error: string }> {
  if (!migrator) return { error: 'no migrations were given to the backup' };
  try {
    const status = await new Migrator({ database, ...migrator }).status();
    return { applied: status.migrations.filter((m) => m.state !== 'pending').map((m) => m.name), summary: status.summary };
  } catch (error) {
    // A broken migrations folder must not stop a backup; the manifest says why the status is absent.
    return { error: (error as Error).message };
  }
}

/** The database's name as it goes into a file name: the server database, or the PGlite directory. */
function backupName(database: Database): string {
  const name = databaseName(database.target);
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** 2026-11-22T17:05:29.123Z → 20261122T170529.123Z (sortable, no colons, ms so runs never collide). */
function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { backendOf, databaseName } from '../driver/target.js';
import { isDbctlError, UsageError } from '../errors.js';
import { Migrator, migratorConfig } from '../migrate/migrator.js';
import { VERSION } from '../version.js';
import { CITUS_CAPTURE_NOTE, sha256File, writeManifest, type BackupContent, type BackupFormat, type DistributedManifest, type Manifest, type ManifestMigrations } from './manifest.js';
import { tableContents } from '../catalog/contents.js';
import { onExportedSnapshot, tableContentsParallel } from '../catalog/parallel-contents.js';
import { referencedRoles } from './roles.js';
import { hashSessions } from './manifest.js';
import { listManifestTables, schemaOnlySnapshot, serverVersion, toSnapshot, type TableSnapshot } from './snapshot.js';
import { dumpToolVersion } from './dump-header.js';
import { startPartialDump } from './partial-dump.js';
import { assertClientSupportsServer, assertToolSupportsServer, libpqConnection, runToolForServer } from './tools.js';

export interface BackupOptions {
  database: Database;
  config: ResolvedConfig;
  /** Dump file; default `<backups.dir>/<database>-<UTC timestamp>.<dump|sql>`. */
  out?: string;
  /** Default: custom on a server, plain on PGlite (its pg_dump writes SQL only). */
  format?: BackupFormat;
  schemaOnly?: boolean;
  dataOnly?: boolean;
  now?: Date;
  /** What it is doing now, for a front end's progress line. */
  onProgress?: (step: string) => void;
  /** Aborting stops pg_dump and removes the partial dump; the backup fails with the signal's reason. */
  signal?: AbortSignal;
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
export function checkBackupOptions(options: Pick<BackupOptions, 'schemaOnly' | 'dataOnly' | 'out'>, cwd: string): void {
  if (options.schemaOnly && options.dataOnly) throw new UsageError('choose one of --schema-only and --data-only');
  if (options.out === undefined) return;
  const file = path.resolve(cwd, options.out);
  if (fs.existsSync(file)) {
    if (fs.statSync(file).isDirectory()) throw new UsageError(`cannot write the backup to ${file}: it is a folder (--out names the dump file)`);
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
  const { database, config } = options;
  checkBackupOptions(options, config.cwd);
  const embedded = database.capabilities.dump === 'pglite-tools';
  const format = options.format ?? (embedded ? 'plain' : 'custom');
  if (embedded && format !== 'plain') {
    throw new UsageError(`--format ${format} is not available on PGlite: its pg_dump writes plain SQL`, { hint: 'use --format plain (the default on PGlite)' });
  }
  const content: BackupContent = options.schemaOnly ? 'schema-only' : options.dataOnly ? 'data-only' : 'full';
  const now = options.now ?? new Date();
  const name = backupName(database);
  const file = path.resolve(config.cwd, options.out ?? path.join(config.backups.dir, `${name}-${stamp(now)}.${format === 'custom' ? 'dump' : 'sql'}`));
  if (fs.existsSync(file)) throw new UsageError(`backup file already exists: ${file}`, { hint: 'choose another --out, or remove the file' });
  const { signal } = options;
  // The dump is written under a temporary name and takes its own only once its manifest is
  // written: a dump that exists under its name always has one (see partial-dump.ts).
  const partial = startPartialDump(file);

  const started = performance.now();
  const contentArgs = options.schemaOnly ? ['--schema-only'] : options.dataOnly ? ['--data-only'] : [];
  const hashing = { distributed: database.capabilities.distributed };
  const progress = options.onProgress ?? (() => {});
  let dumpMs = 0;
  let dumpTool: string;
  let version: { text: string; num: number };
  let tables: TableSnapshot[];
  // What the manifest records besides the tables needs no snapshot: on a server it is read on other
  // pooled sessions while the dump runs (PGlite has one session: afterwards).
  const sideInfo = () => Promise.all([migrationState(database, config), database.session((client) => referencedRoles(client))]);
  let side: ReturnType<typeof sideInfo> | undefined;
  try {
    if (embedded) {
      // One session: hash first, then let PGlite's pg_dump use the session.
      progress('hashing the tables');
      ({ version, tables } = await database.session(async (client) => {
        await client.query('begin isolation level repeatable read');
        try {
          const version = await serverVersion(client);
          const listed = await listManifestTables(client);
          const onTable = (done: number, total: number) => progress(`hashing the tables: ${done} of ${total}`);
          return { version, tables: content === 'schema-only' ? schemaOnlySnapshot(listed) : (await tableContents(client, listed, { ...hashing, onTable })).map(toSnapshot) };
        } finally {
          await client.query('rollback').catch(() => {});
        }
      }));
      progress('dumping with PGlite\'s pg_dump');
      const t = performance.now();
      const { dumpEmbedded } = await import('../driver/pglite/instance.js');
      const dump = await dumpEmbedded(database, contentArgs);
      fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      dumpMs = performance.now() - t;
      dumpTool = `pglite-tools pg_dump (PostgreSQL ${version.text})`;
    } else {
      const tool = { name: 'pg_dump' as const, bin: config.backups.pgDump };
      const conn = libpqConnection(database.target.url, config.connectTimeoutMs);
      ({ version, tables } = await onExportedSnapshot(database, async (lead, snapshot) => {
        // pg_dump starts first; the server's version (only needed to explain a failure, and for the
        // manifest) is read while it runs.
        const serverVersionRead = serverVersion(lead);
        serverVersionRead.catch(() => {}); // awaited below
        const t = performance.now();
        const dumping = content === 'schema-only' ? 'dumping with pg_dump' : 'dumping with pg_dump and hashing the tables on its snapshot';
        progress(dumping);
        // pg_dump reads the exported snapshot while this transaction, on that very snapshot, hashes the
        // tables: the same rows, read at the same time instead of one after the other. Both are
        // awaited before the transaction ends (which would invalidate the snapshot pg_dump imports).
        // Two hashing sessions, not more: pg_dump's backend and its compression want cores too.
        const dumped = runToolForServer(tool, ['--format', format, '--file', partial, '--snapshot', snapshot, ...contentArgs, '--dbname', conn.dbname], conn.env, 'pg_dump', serverVersionRead, { signal, removeOnStop: partial })
          .then(() => void (dumpMs = performance.now() - t));
        side = sideInfo();
        side.catch(() => {}); // awaited below; a failure here must not surface as an unhandled rejection first
        const hashed = listManifestTables(lead).then(async (listed) =>
          content === 'schema-only'
            ? schemaOnlySnapshot(listed)
            : (await tableContentsParallel(database, lead, snapshot, listed, {
                ...hashing,
                sessions: Math.min(2, hashSessions(config)),
                onTable: (done, total) => progress(`${dumping}: ${done} of ${total} table(s) hashed`),
              })).map(toSnapshot));
        const [d, h] = await Promise.allSettled([dumped, hashed]);
        // A hashing session that failed (a table the role may not read: 42501) ends the snapshot's
        // transaction, and pg_dump then fails only to import the snapshot: the first cause is
        // the one to report.
        if (d.status === 'rejected' && !(h.status === 'rejected' && isDbctlError(d.reason) && d.reason.code === 'pg_dump_failed')) throw d.reason;
        if (h.status === 'rejected') throw h.reason;
        return { version: await serverVersionRead, tables: h.value };
      }));
      // The dump says which pg_dump wrote it; a file that does not (a program that is no pg_dump) is
      // asked for its version, which refuses one older than the server.
      const client = dumpToolVersion(partial, format);
      dumpTool = `pg_dump ${client ? assertClientSupportsServer(tool, client, version.num, version.text) : await assertToolSupportsServer(tool, version.num, version.text)}`;
    }
    signal?.throwIfAborted();
  } catch (error) {
    fs.rmSync(partial, { force: true });
    await side?.catch(() => {});
    throw signal?.aborted ? signal.reason : error;
  }
  let manifestFile: string | undefined;
  try {
    const [[migrations, roles], sha256] = await Promise.all([side ?? sideInfo(), sha256File(partial)]);

    const manifest: Manifest = {
      manifestVersion: 1,
      dbctlVersion: VERSION,
      createdAt: now.toISOString(),
      file: path.basename(file),
      bytes: fs.statSync(partial).size,
      sha256,
      format,
      content,
      backend: backendOf(database.target).id,
      database: name,
      serverVersion: version.text,
      serverVersionNum: version.num,
      dumpTool,
      migrations,
      roles,
      tables,
    };
    const warnings: string[] = [];
    if (database.capabilities.distributed === 'citus') {
      manifest.distributed = await citusManifest(database);
      const n = manifest.distributed.tables.length;
      if (n) warnings.push(`Citus: ${n} distributed or reference table(s) backed up as ${CITUS_CAPTURE_NOTE}`);
    }
    signal?.throwIfAborted();
    manifestFile = writeManifest(file, manifest);
    fs.renameSync(partial, file);
    const total = performance.now() - started;
    return { file, manifestFile, manifest, warnings, durationMs: { dump: Math.round(dumpMs), manifest: Math.round(total - dumpMs), total: Math.round(total) } };
  } catch (error) {
    fs.rmSync(partial, { force: true });
    if (manifestFile && !fs.existsSync(file)) fs.rmSync(manifestFile, { force: true });
    throw signal?.aborted ? signal.reason : error;
  }
}

async function citusManifest(database: Database): Promise<DistributedManifest> {
  const { citusTableShards } = await import('../citus/cluster.js');
  const tables = (await citusTableShards(database)).map((t) => ({ table: t.table, type: t.type, distributionColumn: t.distributionColumn, shards: t.shards }));
  return { extension: 'citus', captured: CITUS_CAPTURE_NOTE, tables };
}

async function migrationState(database: Database, config: ResolvedConfig): Promise<ManifestMigrations | { error: string }> {
  try {
    const status = await new Migrator({ database, ...migratorConfig(config) }).status();
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

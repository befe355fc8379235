import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/open.js';
import { UsageError } from '../errors.js';
import { Migrator } from '../migrate/migrator.js';
import { VERSION } from '../version.js';
import { CITUS_CAPTURE_NOTE, sha256File, writeManifest, type BackupContent, type BackupFormat, type DistributedManifest, type Manifest, type ManifestMigrations } from './manifest.js';
import { referencedRoles } from './roles.js';
import { hashSessions } from './manifest.js';
import { snapshotTablesParallel } from './parallel-hash.js';
import { serverVersion, snapshotTables, type TableSnapshot } from './snapshot.js';
import { assertToolSupportsServer, libpqConnection, runToolOrFail } from './tools.js';

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
 * Dumps the database and writes a manifest beside the dump. On a server the dump and the manifest's
 * counts and hashes come from one exported snapshot, so they agree even while writes go on.
 */
export async function backupDatabase(options: BackupOptions): Promise<BackupReport> {
  const { database, config } = options;
  if (options.schemaOnly && options.dataOnly) throw new UsageError('choose one of --schema-only and --data-only');
  const embedded = !!database.pglite;
  const format = options.format ?? (embedded ? 'plain' : 'custom');
  if (embedded && format !== 'plain') {
    throw new UsageError(`--format ${format} is not available on PGlite: its pg_dump writes plain SQL`, { hint: 'use --format plain (the default on PGlite)' });
  }
  const content: BackupContent = options.schemaOnly ? 'schema-only' : options.dataOnly ? 'data-only' : 'full';
  const now = options.now ?? new Date();
  const name = backupName(database);
  const file = path.resolve(config.cwd, options.out ?? path.join(config.backups.dir, `${name}-${stamp(now)}.${format === 'custom' ? 'dump' : 'sql'}`));
  if (fs.existsSync(file)) throw new UsageError(`backup file already exists: ${file}`, { hint: 'choose another --out, or remove the file' });
  fs.mkdirSync(path.dirname(file), { recursive: true });

  const started = performance.now();
  const version = await serverVersion(database.db);
  const contentArgs = options.schemaOnly ? ['--schema-only'] : options.dataOnly ? ['--data-only'] : [];
  let dumpMs = 0;
  let dumpTool: string;
  let tables: TableSnapshot[];
  const hash = (db: Kysely<any>) => snapshotTables(db, { content: content !== 'schema-only', distributed: database.capabilities.distributed });
  // What the manifest records besides the tables needs no snapshot: on a server it is read on other
  // pooled sessions while the dump runs (PGlite has one session: afterwards).
  const sideInfo = () => Promise.all([migrationState(database, config), referencedRoles(database.db)]);
  let side: ReturnType<typeof sideInfo> | undefined;
  try {
    const progress = options.onProgress ?? (() => {});
    if (database.pglite) {
      // One session: hash first, then let PGlite's pg_dump use the session.
      progress('hashing the tables');
      tables = await database.db.transaction().execute(hash);
      progress('dumping with PGlite\'s pg_dump');
      const t = performance.now();
      const { pgDump } = await import('@electric-sql/pglite-tools/pg_dump');
      const dump = await pgDump({ pg: database.pglite as import('@electric-sql/pglite').PGlite, args: contentArgs });
      fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
      dumpMs = performance.now() - t;
      dumpTool = `pglite-tools pg_dump (PostgreSQL ${version.text})`;
    } else {
      const tool = { name: 'pg_dump' as const, bin: config.backups.pgDump };
      dumpTool = `pg_dump ${await assertToolSupportsServer(tool, version.num, version.text)}`;
      const conn = libpqConnection(database.target.url, config.connectTimeoutMs);
      side = sideInfo();
      side.catch(() => {}); // awaited below; a failure here must not surface as an unhandled rejection first
      tables = await database.db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
        const { rows } = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(trx);
        const t = performance.now();
        progress(content === 'schema-only' ? 'dumping with pg_dump' : 'dumping with pg_dump and hashing the tables on its snapshot');
        // pg_dump reads the exported snapshot while this transaction, on that very snapshot, hashes the
        // tables: the same rows, read at the same time instead of one after the other. Both are
        // awaited before the transaction ends (which would invalidate the snapshot pg_dump imports).
        // Two hashing sessions, not more: pg_dump's backend and its compression want cores too.
        const [dumped, hashed] = await Promise.allSettled([
          runToolOrFail(tool, ['--format', format, '--file', file, '--snapshot', rows[0].id, ...contentArgs, '--dbname', conn.dbname], conn.env, 'pg_dump').then(() => void (dumpMs = performance.now() - t)),
          content === 'schema-only' ? hash(trx) : snapshotTablesParallel(database, trx, rows[0].id, { content: true, distributed: database.capabilities.distributed, sessions: Math.min(2, hashSessions(config)) }),
        ]);
        if (dumped.status === 'rejected') throw dumped.reason;
        if (hashed.status === 'rejected') throw hashed.reason;
        return hashed.value;
      });
    }
  } catch (error) {
    fs.rmSync(file, { force: true });
    await side?.catch(() => {});
    throw error;
  }
  const [migrations, roles] = await (side ?? sideInfo());

  const manifest: Manifest = {
    manifestVersion: 1,
    dbctlVersion: VERSION,
    createdAt: now.toISOString(),
    file: path.basename(file),
    bytes: fs.statSync(file).size,
    sha256: await sha256File(file),
    format,
    content,
    backend: embedded ? 'pglite' : 'pg',
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
  const manifestFile = writeManifest(file, manifest);
  const total = performance.now() - started;
  return { file, manifestFile, manifest, warnings, durationMs: { dump: Math.round(dumpMs), manifest: Math.round(total - dumpMs), total: Math.round(total) } };
}

async function citusManifest(database: Database): Promise<DistributedManifest> {
  const { citusTableShards } = await import('../citus/cluster.js');
  const tables = (await citusTableShards(database)).map((t) => ({ table: t.table, type: t.type, distributionColumn: t.distributionColumn, shards: t.shards }));
  return { extension: 'citus', captured: CITUS_CAPTURE_NOTE, tables };
}

async function migrationState(database: Database, config: ResolvedConfig): Promise<ManifestMigrations | { error: string }> {
  try {
    const status = await new Migrator({ database, config }).status();
    return { applied: status.migrations.filter((m) => m.state !== 'pending').map((m) => m.name), summary: status.summary };
  } catch (error) {
    // A broken migrations folder must not stop a backup; the manifest says why the status is absent.
    return { error: (error as Error).message };
  }
}

/** The database's name as it goes into a file name: the server database, or the PGlite directory. */
function backupName(database: Database): string {
  const t = database.target;
  const name = t.kind === 'pg' ? t.database : t.dataDir ? path.basename(t.dataDir) : 'memory';
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** 2026-11-22T17:05:29.123Z → 20261122T170529.123Z (sortable, no colons, ms so runs never collide). */
function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

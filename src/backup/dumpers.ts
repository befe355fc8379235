import fs from 'node:fs';
import { BACKUP_DEFAULTS, type BackupSettings } from './settings.js';
import { tableContents } from '../catalog/contents.js';
import { onExportedSnapshot, tableContentsParallel } from '../catalog/parallel-contents.js';
import type { Database, SqlClient } from '../driver/database.js';
import { isDbctlError } from '../errors.js';
import { dumpToolVersion } from './dump-header.js';
import { canonicalDumpEnv, hashWhileDumping } from './dump-directory.js';
import { hashSessions, type BackupContent, type BackupFormat } from './manifest.js';
import { listManifestTables, schemaOnlySnapshot, serverVersion, toSnapshot, type TableSnapshot } from './snapshot.js';
import { assertClientSupportsServer, assertToolSupportsServer, libpqConnection, runToolForServer, type Tool } from './tools.js';

/** What a dumper is given: where to write, what to dump, and how to report. */
export interface DumpJob {
  database: Database;
  settings: BackupSettings;
  /** The temporary name the dump is written under (a file; a folder for the directory format). */
  partial: string;
  format: BackupFormat;
  content: BackupContent;
  jobs: number;
  signal?: AbortSignal;
  progress: (step: string) => void;
  /** Called once the dump runs: the manifest's other reads go on other sessions meanwhile. */
  onDumpStarted: () => void;
}

/** What a dumper returns for the manifest. */
export interface Dumped {
  version: { text: string; num: number };
  tables: TableSnapshot[];
  dumpTool: string;
  dumpMs: number;
  /** The directory format's files and their sha256, read as they were written. */
  files?: Record<string, string>;
}

const contentArgs = (content: BackupContent) => (content === 'schema-only' ? ['--schema-only'] : content === 'data-only' ? ['--data-only'] : []);

/** PGlite: one session, so the tables are hashed first, then its bundled pg_dump uses the session. */
export async function dumpWithPglite(job: DumpJob): Promise<Dumped> {
  const { database, content, progress } = job;
  progress('hashing the tables');
  const { version, tables } = await database.session(async (client) => {
    await client.query('begin isolation level repeatable read');
    try {
      const version = await serverVersion(client);
      const listed = await listManifestTables(client);
      const onTable = (done: number, total: number) => progress(`hashing the tables: ${done} of ${total}`);
      return { version, tables: content === 'schema-only' ? schemaOnlySnapshot(listed) : (await tableContents(client, listed, { distributed: database.capabilities.distributed, onTable })).map(toSnapshot) };
    } finally {
      await client.query('rollback').catch(() => {});
    }
  });
  progress('dumping with PGlite\'s pg_dump');
  const t = performance.now();
  const { dumpEmbedded } = await import('../driver/pglite/instance.js');
  const dump = await dumpEmbedded(database, contentArgs(content));
  fs.writeFileSync(job.partial, Buffer.from(await dump.arrayBuffer()));
  return { version, tables, dumpTool: `pglite-tools pg_dump (PostgreSQL ${version.text})`, dumpMs: performance.now() - t };
}

/**
 * A server: pg_dump reads a snapshot this session exported, and the manifest's counts and hashes
 * are of the very same rows: read as pg_dump writes them (directory format), or read again on that
 * snapshot by other sessions at the same time (custom and plain, one file that is not read while written).
 */
export async function dumpWithPgDump(job: DumpJob): Promise<Dumped> {
  const tool: Tool = { name: 'pg_dump', bin: job.settings.pgDump ?? BACKUP_DEFAULTS.pgDump };
  let dumpMs = 0;
  const { version, tables, files } = await onExportedSnapshot(job.database, async (lead, snapshot) => {
    // pg_dump starts first; the server's version (only needed to explain a failure, and for the
    // manifest) is read while it runs.
    const serverVersionRead = serverVersion(lead);
    serverVersionRead.catch(() => {}); // awaited below
    const conn = libpqConnection(job.database.target.url, job.settings.connectTimeoutMs);
    const directory = job.format === 'directory';
    // Every format prints rows as the digest reads them: a directory dump is hashed from its files,
    // and a custom or plain one's rows are hashed as `restore --create` loads them (data-section.ts).
    const env = { ...conn.env, ...canonicalDumpEnv(await serverEncoding(lead)) };
    const args = ['--format', job.format, '--file', job.partial, '--snapshot', snapshot, ...(job.jobs > 1 ? ['--jobs', String(job.jobs)] : []), ...contentArgs(job.content), '--dbname', conn.dbname];
    const t = performance.now();
    const dumped = runToolForServer(tool, args, env, 'pg_dump', serverVersionRead, { signal: job.signal, removeOnStop: job.partial }).then(() => void (dumpMs = performance.now() - t));
    job.onDumpStarted();
    const hashed = directory ? hashDirectory(job, lead, dumped) : hashOnSnapshot(job, lead, snapshot);
    const [d, h] = await Promise.allSettled([dumped, hashed]);
    // A hashing session that failed (a table the role may not read: 42501) ends the snapshot's
    // transaction, and pg_dump then fails only to import the snapshot: the first cause is
    // the one to report.
    if (d.status === 'rejected' && !(h.status === 'rejected' && isDbctlError(d.reason) && d.reason.code === 'pg_dump_failed')) throw d.reason;
    if (h.status === 'rejected') throw h.reason;
    return { version: await serverVersionRead, ...h.value };
  });
  // The dump says which pg_dump wrote it; a file that does not (a program that is no pg_dump) is
  // asked for its version, which refuses one older than the server.
  const client = dumpToolVersion(job.format === 'directory' ? `${job.partial}/toc.dat` : job.partial, job.format);
  const dumpTool = `pg_dump ${client ? assertClientSupportsServer(tool, client, version.num, version.text) : await assertToolSupportsServer(tool, version.num, version.text)}`;
  return { version, tables, files, dumpTool, dumpMs };
}

/** Custom and plain: other sessions hash the tables on pg_dump's snapshot while it reads them. */
async function hashOnSnapshot(job: DumpJob, lead: SqlClient, snapshot: string): Promise<{ tables: TableSnapshot[]; files?: Record<string, string> }> {
  const dumping = job.content === 'schema-only' ? 'dumping with pg_dump' : 'dumping with pg_dump and hashing the tables on its snapshot';
  job.progress(dumping);
  const listed = await listManifestTables(lead);
  if (job.content === 'schema-only') return { tables: schemaOnlySnapshot(listed) };
  // Two hashing sessions, not more: pg_dump's backend and its compression want cores too.
  const contents = await tableContentsParallel(job.database, lead, snapshot, listed, {
    distributed: job.database.capabilities.distributed,
    sessions: Math.min(2, hashSessions(job.settings)),
    onTable: (done, total) => job.progress(`${dumping}: ${done} of ${total} table(s) hashed`),
  });
  return { tables: contents.map(toSnapshot) };
}

/** Directory: the rows are hashed from pg_dump's data files as it writes them (one read of the data). */
async function hashDirectory(job: DumpJob, lead: SqlClient, dumping: Promise<unknown>): Promise<{ tables: TableSnapshot[]; files: Record<string, string> }> {
  const step = job.content === 'schema-only' ? 'dumping with pg_dump' : 'dumping with pg_dump, hashing the rows as it writes them';
  job.progress(step);
  const listed = await listManifestTables(lead);
  return hashWhileDumping({
    lead,
    dir: job.partial,
    tables: job.content === 'schema-only' ? [] : listed,
    restoreTool: { name: 'pg_restore', bin: job.settings.pgRestore ?? BACKUP_DEFAULTS.pgRestore },
    distributed: job.database.capabilities.distributed,
    onTable: (done, total) => job.progress(`${step}: ${done} of ${total} table(s) hashed`),
  }, dumping).then((r) => ({ files: r.files, tables: job.content === 'schema-only' ? schemaOnlySnapshot(listed) : r.tables }));
}

async function serverEncoding(client: SqlClient): Promise<string> {
  const { rows } = await client.query<{ encoding: string }>(`select current_setting('server_encoding') as encoding`);
  return rows[0].encoding;
}

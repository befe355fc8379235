import type { Backend } from '../driver/target.js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { TableSnapshot } from './snapshot.js';

/** custom: one pg_restore file; plain: SQL; directory: pg_dump's folder of per-table files (parallel, hashed as written). */
export type BackupFormat = 'custom' | 'plain' | 'directory';
export type BackupContent = 'full' | 'schema-only' | 'data-only';

/** What `dbctl backup` writes next to every dump, and what `dbctl restore` verifies against. */
export interface Manifest {
  manifestVersion: 1;
  /**
   * How the tables' `hash` was computed (src/catalog/contents.ts DIGEST_VERSION); absent: 1, whose
   * digest of a table with a column named `r` was that column's alone (restore allows for it).
   */
  digestVersion?: number;
  dbctlVersion: string;
  createdAt: string;
  /** The dump's file name (the manifest sits next to it). */
  file: string;
  bytes: number;
  /** The file's sha256; for a directory, the sha256 of its `files` list (see directoryChecksum). */
  sha256: string;
  /** A directory dump's files and the sha256 of each. */
  files?: Record<string, string>;
  format: BackupFormat;
  content: BackupContent;
  /** Which backend made the dump: decides how it is restored. */
  backend: Backend;
  /** Database name on a server; the directory name for PGlite. */
  database: string;
  serverVersion: string;
  serverVersionNum: number;
  /** `pg_dump --version` of the client used (PGlite: its bundled pg_dump). */
  dumpTool: string;
  migrations: ManifestMigrations | { error: string };
  /** Roles the schema refers to (owners, grants, policies): pg_dump does not carry them. */
  roles: string[];
  tables: TableSnapshot[];
  /** Present when the database was a Citus coordinator: what the dump holds of the distribution. */
  distributed?: DistributedManifest;
}

/**
 * A coordinator's pg_dump reads every row through the coordinator, so the data is whole, but it
 * carries no distribution: restored, every table is a local table on the coordinator. The manifest
 * records how each was distributed, so it can be redone and verification can say what differs.
 */
export interface DistributedManifest {
  extension: 'citus';
  captured: string;
  tables: Array<{ table: string; type: string; distributionColumn: string | null; shards: number }>;
}

export const CITUS_CAPTURE_NOTE =
  'a coordinator pg_dump: every row, read through the coordinator, but no distribution; restored, the tables are local tables (re-run create_distributed_table / create_reference_table)';

export interface ManifestMigrations {
  applied: string[];
  summary: { total: number; applied: number; pending: number; modified: number; missing: number };
}

export const MANIFEST_SUFFIX = '.manifest.json';

export function manifestPathFor(dumpFile: string): string {
  return dumpFile + MANIFEST_SUFFIX;
}

export function writeManifest(dumpFile: string, manifest: Manifest): string {
  const file = manifestPathFor(dumpFile);
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
  return file;
}

/** Reads the manifest next to `dumpFile`; a file without one is not a dbctl backup (exit 2). */
export function readManifest(dumpFile: string): Manifest {
  if (!fs.existsSync(dumpFile)) throw new UsageError(`backup file not found: ${dumpFile}`);
  if (fs.statSync(dumpFile).isDirectory() && !fs.existsSync(manifestPathFor(dumpFile))) throw new UsageError(`${dumpFile} is a folder, not a backup file`, { hint: 'name the .dump or .sql file `dbctl backup` wrote' });
  const file = manifestPathFor(dumpFile);
  if (!fs.existsSync(file)) {
    throw new UsageError(`${path.basename(dumpFile)} is not a dbctl backup: no manifest ${path.basename(file)} next to it`, {
      hint: 'restore only files written by `dbctl backup`, with their manifest beside them',
    }, 'not_a_backup');
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`manifest ${file} is not valid JSON: ${(error as Error).message}`, {}, 'bad_manifest');
  }
  if (manifest?.manifestVersion !== 1 || !Array.isArray(manifest.tables) || typeof manifest.sha256 !== 'string') {
    throw new UsageError(`manifest ${file} is not a dbctl backup manifest (version 1)`, {}, 'bad_manifest');
  }
  return manifest;
}

/** One checksum for a directory dump: of its files' names and checksums, in name order. */
export function directoryChecksum(files: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) hash.update(`${name} ${files[name]}\n`);
  return hash.digest('hex');
}

/**
 * The checksum a manifest records for `dump`: the file's, or for a directory its files' (all of
 * them read at once), so a file added to or removed from the folder changes it too.
 */
export async function dumpChecksum(dump: string): Promise<string> {
  if (!fs.statSync(dump).isDirectory()) return sha256File(dump);
  const names = fs.readdirSync(dump);
  const sums = await Promise.all(names.map((name) => sha256File(path.join(dump, name))));
  return directoryChecksum(Object.fromEntries(names.map((name, i) => [name, sums[i]])));
}

/** A dump's size: the file's, or the sum of a directory's files. */
export function dumpBytes(dump: string): number {
  const stat = fs.statSync(dump);
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(dump).reduce((n, name) => n + fs.statSync(path.join(dump, name)).size, 0);
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export interface TableDifference {
  table: string;
  problem: 'missing' | 'extra' | 'rows' | 'content';
  expected?: number | string | null;
  actual?: number | string | null;
}

/**
 * Compares a restored database's tables with the manifest. Counts and hashes only where the
 * manifest has them (not for schema-only); extra tables count except after a data-only restore,
 * which goes into a schema that may hold more than the dump.
 */
export function compareTables(manifest: Manifest, actual: TableSnapshot[]): TableDifference[] {
  const key = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;
  const found = new Map(actual.map((t) => [key(t), t]));
  const out: TableDifference[] = [];
  for (const expected of manifest.tables) {
    const got = found.get(key(expected));
    found.delete(key(expected));
    if (!got) out.push({ table: key(expected), problem: 'missing' });
    else if (expected.rows !== null && expected.rows !== got.rows) out.push({ table: key(expected), problem: 'rows', expected: expected.rows, actual: got.rows });
    else if (expected.hash !== null && expected.hash !== got.hash) out.push({ table: key(expected), problem: 'content', expected: expected.hash, actual: got.hash });
  }
  if (manifest.content !== 'data-only') for (const extra of found.keys()) out.push({ table: extra, problem: 'extra' });
  return out;
}

/** Sessions that hash tables at once on a server: the pool's size, at most 4. */
export function hashSessions(settings: { poolSize?: number }): number {
  return Math.max(1, Math.min(settings.poolSize ?? 4, 4));
}

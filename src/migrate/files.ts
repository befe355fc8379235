import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import fs from 'node:fs';
import path from 'node:path';
import { assertMigrationsFolder } from '../config/folders.js';
import { UsageError } from '../errors.js';
import { listSourceFiles } from '../source-files.js';

export const MIGRATION_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.sql'];

export interface MigrationFile {
  /** Name as Kysely records it: the file name without its extension (a provider's key). */
  name: string;
  /** The file; for a migration from a provider (no file), its name. */
  file: string;
  kind: 'sql' | 'module' | 'provided';
  /** A provided migration's object (kind 'provided'). */
  migration?: Migration;
}

/** A migration as code, in Kysely's `Migration` shape (plus dbctl's optional `config.transaction`). */
export interface Migration {
  up(db: Kysely<any>): Promise<void>;
  down?(db: Kysely<any>): Promise<void>;
  config?: { transaction?: boolean };
}

/**
 * Migrations from code instead of a folder, in the shape of Kysely's `MigrationProvider`: names
 * (applied in code-point order) to migrations. A Kysely provider can be passed as it is.
 */
export interface MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>>;
}

/**
 * What a provided migration records as its checksum: code has no bytes to hash that survive a
 * rebuild, so provided migrations are never reported as changed.
 */
export const PROVIDED_CHECKSUM = 'provided';

/** The provider's migrations in name order, as the migrator lists files. */
export async function listProvidedMigrations(provider: MigrationProvider): Promise<MigrationFile[]> {
  const migrations = await provider.getMigrations();
  return Object.keys(migrations)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => ({ name, file: name, kind: 'provided' as const, migration: migrations[name] }));
}

/**
 * The checksum `status` compares and `up` records: of the file's bytes, or the provided marker.
 * Read once per listing: a run plans and records with the same MigrationFile objects (a listing is
 * made afresh for every call), so the bytes it records are the bytes it planned with.
 */
export function checksumOfMigration(m: MigrationFile): string {
  if (m.kind === 'provided') return PROVIDED_CHECKSUM;
  let sum = checksums.get(m);
  if (sum === undefined) checksums.set(m, (sum = checksumOf(m.file)));
  return sum;
}

const checksums = new WeakMap<MigrationFile, string>();

/**
 * Lists migration files in name order (Kysely's order: plain string comparison). A folder that
 * does not exist is an error, never an empty list: "nothing to apply" from a mistyped folder (or a
 * command run from the wrong directory) would be a success report for work that was never looked at.
 */
export function listMigrationFiles(dir: string): MigrationFile[] {
  return listMigrationFolder(dir).files;
}

/**
 * The migrations of `dir` and a note for every entry in it that is not one (`.SQL`, `.txt`, a
 * subfolder, a dangling symlink): the caller says them, so nothing is passed over in silence.
 * Symlinked files are migrations like any other.
 */
export function listMigrationFolder(dir: string, show?: (file: string) => string): { files: MigrationFile[]; notes: string[] } {
  assertMigrationsFolder(dir);
  const listing = listSourceFiles(dir, { what: 'migration', extensions: MIGRATION_EXTENSIONS, show });
  const files: MigrationFile[] = [];
  for (const f of listing.files) {
    const clash = files.at(-1);
    if (clash?.name === f.base) {
      throw new UsageError(`two migrations share the name "${f.base}": ${path.basename(clash.file)} and ${f.entry}`, {
        hint: 'rename or remove one of them',
      });
    }
    files.push({ name: f.base, file: f.file, kind: f.ext === '.sql' ? 'sql' : 'module' });
  }
  return { files, notes: listing.notes };
}

/**
 * What `status` and drift detection compare: sha256 of the file with a UTF-8 BOM dropped and CRLF
 * line endings read as LF, so the same migration checked out on Windows (or by an editor that
 * adds a BOM) is not "modified".
 */
export function checksumOf(file: string): string {
  return sha256(normalised(fs.readFileSync(file)));
}

/**
 * Whether a recorded checksum still describes the file. Checksums recorded before normalisation are
 * of the raw bytes as they were then checked out, so the text's LF/CRLF and BOM spellings (and the
 * file's raw bytes) are accepted too; they are computed only when the normalised one differs.
 */
export function matchesRecorded(file: string, recorded: string, checksum: string): boolean {
  if (recorded === checksum) return true;
  const raw = fs.readFileSync(file);
  const text = normalised(raw);
  const crlf = Buffer.from(text.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
  return [raw, crlf, Buffer.concat([BOM, text]), Buffer.concat([BOM, crlf])].some((bytes) => sha256(bytes) === recorded);
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function normalised(bytes: Buffer): Buffer {
  const body = bytes.subarray(0, 3).equals(BOM) ? bytes.subarray(3) : bytes;
  if (!body.includes(0x0d)) return body;
  return Buffer.from(body.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

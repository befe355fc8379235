import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { hasSqlstate } from '../../sql/sqlstate.js';
import type { PGlite } from '@electric-sql/pglite';

/**
 * The extension bundles PGlite 0.5.8 and its pgvector package ship (`<bundle>.tar.gz`), with the
 * extensions (control files) each holds, and its libraries (`.so`) where they are named otherwise.
 * tests/driver/pglite-extensions.test.ts checks this table against the tarballs, so a PGlite
 * upgrade that adds or moves one fails there first.
 */
const BUNDLES: Record<string, { extensions: string[]; libraries?: string[]; pkg?: string }> = {
  amcheck: { extensions: ['amcheck'] },
  auto_explain: { extensions: [], libraries: ['auto_explain'] },
  bloom: { extensions: ['bloom'] },
  btree_gin: { extensions: ['btree_gin'] },
  btree_gist: { extensions: ['btree_gist'] },
  citext: { extensions: ['citext'] },
  cube: { extensions: ['cube'] },
  dict_int: { extensions: ['dict_int'] },
  dict_xsyn: { extensions: ['dict_xsyn'] },
  earthdistance: { extensions: ['earthdistance'] },
  file_fdw: { extensions: ['file_fdw'] },
  fuzzystrmatch: { extensions: ['fuzzystrmatch'] },
  hstore: { extensions: ['hstore'] },
  intarray: { extensions: ['intarray'], libraries: ['_int'] },
  isn: { extensions: ['isn'] },
  lo: { extensions: ['lo'] },
  ltree: { extensions: ['ltree'] },
  pageinspect: { extensions: ['pageinspect'] },
  passwordcheck: { extensions: [], libraries: ['passwordcheck'] },
  pg_buffercache: { extensions: ['pg_buffercache'] },
  pg_freespacemap: { extensions: ['pg_freespacemap'] },
  pg_logicalinspect: { extensions: ['pg_logicalinspect'] },
  pg_overexplain: { extensions: [], libraries: ['pg_overexplain'] },
  pg_stat_statements: { extensions: ['pg_stat_statements'] },
  pg_surgery: { extensions: ['pg_surgery'] },
  pg_trgm: { extensions: ['pg_trgm'] },
  pg_visibility: { extensions: ['pg_visibility'] },
  pg_walinspect: { extensions: ['pg_walinspect'] },
  pgcrypto: { extensions: ['pgcrypto'] },
  seg: { extensions: ['seg'] },
  spi: { extensions: ['autoinc', 'insert_username', 'moddatetime', 'refint'] },
  tablefunc: { extensions: ['tablefunc'] },
  tcn: { extensions: ['tcn'] },
  tsm_system_rows: { extensions: ['tsm_system_rows'] },
  tsm_system_time: { extensions: ['tsm_system_time'] },
  unaccent: { extensions: ['unaccent'] },
  'uuid-ossp': { extensions: ['uuid-ossp'] },
  vector: { extensions: ['vector'], pkg: '@electric-sql/pglite-pgvector' },
};

/** Every extension `CREATE EXTENSION` can create on the embedded database, in name order. */
export const PGLITE_EXTENSIONS: readonly string[] = Object.values(BUNDLES).flatMap((b) => b.extensions).sort();

const byExtension = new Map(Object.entries(BUNDLES).flatMap(([bundle, b]) => b.extensions.map((e) => [e, bundle] as const)));
const byLibrary = new Map(Object.entries(BUNDLES).flatMap(([bundle, b]) => (b.libraries ?? b.extensions).map((l) => [l, bundle] as const)));

/** Where a bundle's tarball is: next to the entry module of the package that ships it. */
export function bundleFile(bundle: string): string {
  const pkg = BUNDLES[bundle]?.pkg ?? '@electric-sql/pglite';
  return path.join(path.dirname(createRequire(import.meta.url).resolve(pkg)), `${bundle}.tar.gz`);
}

export function bundleNames(): string[] {
  return Object.keys(BUNDLES);
}

/** The subset of Emscripten's FS this module uses. */
interface EmscriptenFs {
  lookupPath(p: string, opts?: unknown): unknown;
  analyzePath(p: string): { exists: boolean };
  mkdirTree(p: string): void;
  writeFile(p: string, data: Uint8Array): void;
  readdir(p: string): string[];
}

/**
 * Makes every shipped extension available without registering any at start-up.
 *
 * PGlite's `extensions` option is eager: `PGlite.create` calls each extension's `setup`, then
 * reads, gunzips and untars every bundle and preloads its `.so` before Postgres starts — so
 * registering ~40 bundles would cost every command, `migrate status` included. Instead nothing is
 * registered, and the bundle is unpacked the first time Postgres looks for one of its files: the
 * control file (CREATE EXTENSION, pg_available_extension_versions) or the library (first use of an
 * extension created in an earlier session). Every such lookup goes through Emscripten's
 * `FS.lookupPath`, synchronously, so wrapping it lets a bundle be unpacked (a few ms, with Node's
 * synchronous fs and zlib) just before Postgres opens the file. A plain file write is enough for
 * the `.so`: Emscripten's dlopen reads and compiles it synchronously in Node, as PGlite's own
 * fallback does when preloading fails.
 */
export function provideExtensionsLazily(pglite: PGlite): void {
  const mod = pglite.Module as unknown as { FS: EmscriptenFs; WASM_PREFIX: string };
  const fsys = mod.FS;
  const prefix = mod.WASM_PREFIX;
  const extensionDir = `${prefix}/share/postgresql/extension/`;
  const libraryDir = `${prefix}/lib/postgresql/`;
  const unpacked = new Set<string>();
  let busy = false;
  // pg_available_extensions lists the control files in the directory (readdir, no lookup per
  // file), so the first listing writes every bundle's control files, and only those.
  let listed = false;
  const readdir = fsys.readdir;
  fsys.readdir = function (this: unknown, p: string) {
    if (!listed && typeof p === 'string' && `${p.replace(/\/+$/, '')}/` === extensionDir) {
      listed = true;
      busy = true;
      for (const bundle of bundleNames().filter((b) => !unpacked.has(b))) {
        try {
          unpack(fsys, prefix, bundleFile(bundle), (name) => name.endsWith('.control'));
        } catch {
          // a bundle that cannot be read is then simply not listed
        }
      }
      busy = false;
    }
    return readdir.call(this, p);
  };
  const lookupPath = fsys.lookupPath;
  fsys.lookupPath = function (this: unknown, p: string, opts?: unknown) {
    if (!busy && typeof p === 'string' && p.startsWith(prefix)) {
      const file = p.includes('/..') || p.includes('//') ? path.posix.normalize(p) : p;
      const bundle = file.startsWith(extensionDir)
        ? byExtension.get(/^([^/]+?)(?:--[^/]*)?\.(?:control|sql)$/.exec(file.slice(extensionDir.length))?.[1] ?? '')
        : file.startsWith(libraryDir)
          ? byLibrary.get(/^([^/]+?)(?:\.so)?$/.exec(file.slice(libraryDir.length))?.[1] ?? '')
          : undefined;
      if (bundle && !unpacked.has(bundle)) {
        unpacked.add(bundle);
        busy = true;
        try {
          unpack(fsys, prefix, bundleFile(bundle));
        } catch {
          // Postgres then reports the file missing, as it would for any extension it lacks.
        } finally {
          busy = false;
        }
      }
    }
    return lookupPath.call(this, p, opts);
  };
}

/** Writes a .tar.gz (ustar, as PGlite's bundles are) into the Emscripten FS under `prefix`. */
function unpack(fsys: EmscriptenFs, prefix: string, tarball: string, only?: (name: string) => boolean): void {
  for (const entry of untar(gunzipSync(fs.readFileSync(tarball)))) {
    const target = `${prefix}/${entry.name.replace(/^\.?\/+/, '')}`.replace(/\/+$/, '');
    if (only && !(entry.type === '0' && only(target))) continue;
    if (entry.type === '5') {
      if (!fsys.analyzePath(target).exists) fsys.mkdirTree(target);
    } else if (entry.type === '0' && !path.posix.basename(target).startsWith('.')) {
      const dir = path.posix.dirname(target);
      if (!fsys.analyzePath(dir).exists) fsys.mkdirTree(dir);
      fsys.writeFile(target, entry.data);
    }
  }
}

interface TarEntry {
  name: string;
  type: string;
  data: Uint8Array;
}

export function untar(buf: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  const text = (from: number, to: number) => buf.toString('utf8', from, to).replace(/\0[\s\S]*$/, '');
  for (let at = 0; at + 512 <= buf.length; ) {
    if (buf[at] === 0) break; // the two zero blocks that end the archive
    const prefix = text(at + 345, at + 500);
    const name = (prefix ? `${prefix}/` : '') + text(at, at + 100);
    const size = parseInt(text(at + 124, at + 136).trim() || '0', 8);
    const flag = String.fromCharCode(buf[at + 156] || 0x30);
    const type = flag === '5' || name.endsWith('/') ? '5' : flag === '0' || flag === '7' ? '0' : flag;
    entries.push({ name, type, data: buf.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

/**
 * `CREATE EXTENSION` of one the embedded database does not ship fails with Postgres's "must first
 * be installed on the system" hint, which cannot be followed for PGlite. This says what to do
 * instead, in the error's one line (the hint would be shown as Postgres's own).
 */
export function explainMissingExtension(error: unknown): unknown {
  const e = error as { code?: string; message?: string; hint?: string; detail?: string };
  const name = hasSqlstate(e, 'feature_not_supported') ? /^extension "(.+)" is not available$/.exec(e.message ?? '')?.[1] : undefined;
  if (name === undefined || byExtension.has(name)) return error;
  e.message =
    `extension "${name}" is not available in the embedded database (PGlite ships only its contrib extensions and vector): ` +
    `use a PostgreSQL server that has it, e.g. \`docker compose up -d\` with an image that includes ${name}, and pass --url postgres://… (or set DATABASE_URL)`;
  e.hint = undefined;
  e.detail = undefined;
  return error;
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readIfExists, writeFileAtomic } from '../atomic-write.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { pgliteVersion } from '../driver/pglite/image.js';
import { listMigrationFiles } from '../migrate/files.js';
import { mayHavePlaceholders } from '../migrate/placeholders.js';
import type { SchemaSnapshot } from '../schema/model.js';
import { VERSION } from '../version.js';
import type { SchemaSource } from './source.js';

/**
 * `migrate diff`'s snapshots of its two scratch databases, kept in the project's
 * `.dbctl/schema-cache/` so that a diff with nothing changed (the CI `--check`) needs no scratch
 * database: building one costs seconds to minutes (1,000 tables: docs/benchmarks.md), reading the
 * snapshot milliseconds. One file per side, replaced on every miss, so the cache never grows.
 *
 * The key is everything the snapshot is made from; anything else changed misses:
 * - desired: each schema file's path and bytes;
 * - current: each migration file's name and bytes (as the testdb template's hash);
 * - both: dbctl's version and build, PGlite's version (the scratch databases are always
 *   embedded), and the migrations config (which bookkeeping table introspection leaves out).
 * The current side is not cached when a migration's result can depend on more than its text: a
 * TypeScript/JavaScript migration (it may import or read anything) or an SQL one with
 * placeholders (`${env:…}` reads the environment).
 */
const CACHE_DIR = '.dbctl/schema-cache';

export type Side = 'desired' | 'current';

export interface CacheKey {
  side: Side;
  /** Null: this input cannot be keyed by its files, so it is never cached (see above). */
  key: string | null;
}

function baseHash(config: ResolvedConfig, side: Side) {
  return createHash('sha256').update(JSON.stringify({ side, dbctl: VERSION, build: buildStamp(), pglite: pgliteVersion(), migrations: config.migrations })).update('\0');
}

/**
 * When this build of dbctl was made (its own file's mtime): a checkout rebuilt with another
 * introspection keeps the version number, and must not read what the last build cached.
 */
function buildStamp(): number {
  try {
    return fs.statSync(fileURLToPath(import.meta.url)).mtimeMs;
  } catch {
    return 0;
  }
}

function add(hash: ReturnType<typeof createHash>, label: string, bytes: string | Buffer): void {
  hash.update(`${label}\0${Buffer.byteLength(bytes)}\0`);
  hash.update(bytes);
}

export function desiredKey(config: ResolvedConfig, source: SchemaSource): CacheKey {
  const hash = baseHash(config, 'desired');
  for (const { file, sql } of source.files) add(hash, file, sql);
  return { side: 'desired', key: hash.digest('hex') };
}

export function currentKey(config: ResolvedConfig): CacheKey {
  const hash = baseHash(config, 'current');
  for (const m of listMigrationFiles(config.migrations.dir)) {
    if (m.kind !== 'sql') return { side: 'current', key: null };
    const text = fs.readFileSync(m.file);
    if (mayHavePlaceholders(text.toString('utf8'))) return { side: 'current', key: null };
    add(hash, path.basename(m.file), text);
  }
  return { side: 'current', key: hash.digest('hex') };
}

const fileOf = (config: ResolvedConfig, side: Side) => path.join(config.cwd, CACHE_DIR, `diff-${side}.json`);

/** The cached snapshot for this key, or undefined (missing, another key, unreadable). */
export function readSnapshot(config: ResolvedConfig, { side, key }: CacheKey): SchemaSnapshot | undefined {
  if (!key) return undefined;
  try {
    const cached = JSON.parse(readIfExists(fileOf(config, side)) ?? 'null') as { key: string; snapshot: SchemaSnapshot } | null;
    return cached?.key === key ? cached.snapshot : undefined;
  } catch {
    return undefined; // unreadable: built again
  }
}

export function writeSnapshot(config: ResolvedConfig, { side, key }: CacheKey, snapshot: SchemaSnapshot): void {
  if (!key) return;
  try {
    writeFileAtomic(fileOf(config, side), JSON.stringify({ key, snapshot }));
  } catch {
    // A read-only project only loses the cache: the next run builds the scratch database again.
  }
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { withDatabaseFor } from '../driver/open-for.js';
import { createTestdb, dropTestdb, EMBEDDED_TESTDB_DIR, testdbHostKey, type TestdbEvent } from '../testdb/index.js';
import { templateSources } from '../config/props.js';
import { templateHash } from '../testdb/hash.js';
import { templateName } from '../database/names.js';
import { VERSION } from '../version.js';
import { introspectSchema } from './introspect.js';
import type { SchemaSnapshot } from './model.js';

/** Where reference snapshots are kept, in the project's own `.dbctl/`. */
const CACHE_DIR = '.dbctl/schema-cache';

export interface Reference {
  snapshot: SchemaSnapshot;
  template: string;
  /** This call built the template. */
  built: boolean;
  /** The snapshot came from the cache: no clone was made. */
  cached: boolean;
}

/**
 * The schema the migrations build: the project's migrated testdb template on the host of `live`
 * (built once per migration set), read through a clone that is dropped again. A template never
 * changes once built, so its snapshot is kept in `.dbctl/schema-cache/`, stamped with the
 * template's identity (its OID on a server, its directory's inode when embedded): a rebuilt or
 * dropped template, another server, another dbctl version or bookkeeping config miss the cache.
 */
export async function referenceSnapshot(live: Database, config: ResolvedConfig, onEvent?: (event: TestdbEvent) => void): Promise<Reference> {
  const template = templateName(config.testdb.prefix, templateHash(templateSources(config), false));
  const key = createHash('sha256')
    .update(JSON.stringify({ VERSION, host: testdbHostKey(config), template, migrations: config.migrations }))
    .digest('hex')
    .slice(0, 24);
  const file = path.join(config.cwd, CACHE_DIR, `${key}.json`);
  const stamp = () => templateStamp(live, config, template);

  const before = await stamp();
  if (before) {
    const cached = readCache(file);
    if (cached?.stamp === before) return { snapshot: cached.snapshot, template, built: false, cached: true };
  }
  const clone = await createTestdb({ config, onEvent });
  let snapshot: SchemaSnapshot;
  try {
    snapshot = await withDatabaseFor(config, 'reference', (reference) => introspectSchema(reference, { migrations: config.migrations }), { target: clone.target });
  } finally {
    await dropTestdb(config, clone.name, { ifExists: true });
  }
  const after = await stamp();
  if (after) writeCache(file, { stamp: after, snapshot });
  return { snapshot, template, built: clone.built, cached: false };
}

/** What identifies this build of the template, or null when there is none. */
async function templateStamp(live: Database, config: ResolvedConfig, template: string): Promise<string | null> {
  if (live.capabilities.concurrentSessions) {
    const { rows } = await live.query<{ oid: string }>(`select oid::text as oid from pg_database where datname = $1 and datistemplate`, [template]);
    return rows[0]?.oid ?? null;
  }
  try {
    const stat = fs.statSync(path.resolve(config.cwd, EMBEDDED_TESTDB_DIR, template));
    return `${stat.ino}:${stat.ctimeMs}`;
  } catch {
    return null;
  }
}

function readCache(file: string): { stamp: string; snapshot: SchemaSnapshot } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined; // missing or unreadable: rebuilt from a clone
  }
}

function writeCache(file: string, content: { stamp: string; snapshot: SchemaSnapshot }): void {
  try {
    writeFileAtomic(file, JSON.stringify(content));
  } catch {
    // A read-only project only loses the cache: the next run clones again.
  }
}

/** The snapshot restricted to `schemas` (the cache holds every schema). */
export function filterSnapshot(snapshot: SchemaSnapshot, schemas: string[] | undefined): SchemaSnapshot {
  if (!schemas?.length) return snapshot;
  const keep = <T extends { schema: string }>(list: T[]) => list.filter((o) => schemas.includes(o.schema));
  return {
    schemas: snapshot.schemas.filter((s) => schemas.includes(s.name)),
    extensions: keep(snapshot.extensions),
    enums: keep(snapshot.enums),
    domains: keep(snapshot.domains),
    compositeTypes: keep(snapshot.compositeTypes),
    sequences: keep(snapshot.sequences),
    tables: keep(snapshot.tables),
    views: keep(snapshot.views),
    functions: keep(snapshot.functions),
  };
}

import { readIfExists, writeFileAtomic } from '../atomic-write.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import type { SchemaSnapshot } from '../schema/model.js';
import { builtSchema } from './drift.js';
import { qualified, readGraph, type Graph } from './graph.js';
import { readTargetTables, type TargetTables } from './stream-digest.js';
import { catalogCacheFile, FINGERPRINT, graphOf, storedGraph, type StoredGraph } from './catalog-cache.js';

/** What the copy reads of the target before any row moves: its graph, its schema (the drift check), its tables for the digest plan. */
export interface TargetFacts {
  graph: Graph;
  schema: SchemaSnapshot;
  tables: TargetTables;
  /** Taken from the cache (its catalog the same as when they were read). */
  cached: boolean;
}

/**
 * The target's graph, schema and plain tables, introspected (~100 ms over 200 tables) or, for a
 * target cloned from a migrated template, taken from what a previous copy read of a clone of it:
 * every clone of a template has the template's catalog and rows. The cache is found by the
 * template's name (its migrations' hash) and the server. It is taken whole, which tables hold rows
 * included, when the template's identity (Host.templateIdentity: its oid and pg_database row, which
 * anything that lets a session change the template rewrites) is the one recorded. Else it is used
 * only if the new database's catalog fingerprint (the oid and row version of every user object's
 * catalog rows: a template rebuilt, or altered in any way, has others) is the one recorded, and
 * which tables hold rows is read, beside the fingerprint.
 *
 * The cache lives beside the source's (catalog-cache.ts).
 */
export async function readTargetFacts(built: Database, config: ResolvedConfig, bookkeeping: (key: string) => boolean, template: { name: string; server: string; identity?: string } | undefined): Promise<TargetFacts> {
  const file = template && cacheFile(config, template);
  const entry = file ? parseEntry(readIfExists(file)) : undefined;
  if (entry && template?.identity !== undefined && entry.identity === template.identity && entry.empty) {
    return { graph: graphOf(entry.graph), schema: entry.schema, tables: { ...entry.tables, empty: entry.empty }, cached: true };
  }
  let facts: TargetFacts | undefined;
  let fingerprint: string | undefined;
  if (entry) {
    const { rows } = await built.query<{ fingerprint: string; filled: string[] }>(`select (${FINGERPRINT}) as fingerprint, ${filledExpression(entry.tables.plain)} as filled`, entry.tables.plain);
    if (rows[0].fingerprint === entry.fingerprint) {
      fingerprint = entry.fingerprint;
      const filled = new Set(rows[0].filled);
      facts = { graph: graphOf(entry.graph), schema: entry.schema, tables: { ...entry.tables, empty: entry.tables.plain.filter((k) => !filled.has(k)) }, cached: true };
    }
  }
  if (!facts) {
    fingerprint = file ? (await built.query<{ fingerprint: string }>(FINGERPRINT)).rows[0].fingerprint : undefined;
    const graph = await readGraph(built, bookkeeping);
    const schema = await builtSchema(built, config);
    const tables = await readTargetTables(built, graph);
    facts = { graph, schema, tables, cached: false };
  }
  // Recorded (again) when read, or when the template's identity is new: the next clone of it takes it whole.
  if (file && fingerprint && (!facts.cached || entry?.identity !== template?.identity)) {
    const { graph, schema, tables } = facts;
    const saved: Entry = { fingerprint, identity: template?.identity, empty: tables.empty, graph: storedGraph(graph), schema, tables: { plain: tables.plain, version: tables.version } };
    // A cache that cannot be written (a read-only node_modules) only costs the next copy the introspection.
    try {
      writeFileAtomic(file, JSON.stringify(saved));
    } catch {}
  }
  return facts;
}

interface Entry {
  fingerprint: string;
  /** The template's identity when it was recorded, and which of its plain tables were empty. */
  identity?: string;
  empty?: string[];
  graph: StoredGraph;
  schema: SchemaSnapshot;
  tables: Omit<TargetTables, 'empty'>;
}

function cacheFile(config: ResolvedConfig, template: { name: string; server: string }): string | undefined {
  return catalogCacheFile(config, 'copy-target', [template.server, template.name]);
}

function parseEntry(text: string | undefined): Entry | undefined {
  if (!text) return undefined;
  try {
    const entry = JSON.parse(text) as Entry;
    return typeof entry.fingerprint === 'string' && Array.isArray(entry.graph?.tables) && Array.isArray(entry.tables?.plain) ? entry : undefined;
  } catch {
    return undefined; // a damaged file: read the target, write it again
  }
}

/** The plain tables among `keys` ($1…) that hold a row: one expression, no row read past the first. */
function filledExpression(keys: string[]): string {
  if (!keys.length) return `'{}'::text[]`;
  return `array_remove(array[${keys.map((key, i) => `case when exists (select 1 from only ${qualified(key)}) then $${i + 1}::text end`).join(', ')}], null)`;
}

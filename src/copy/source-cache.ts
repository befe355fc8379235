import { readIfExists, writeFileAtomic } from '../atomic-write.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { SqlClient } from '../driver/database.js';
import type { Target } from '../driver/target.js';
import type { SchemaSnapshot } from '../schema/model.js';
import { catalogCacheFile, FINGERPRINT, graphOf, storedGraph, type StoredGraph } from './catalog-cache.js';
import { sourceSchema } from './drift.js';
import { readGraph, type Graph } from './graph.js';

export interface SourceFacts {
  /** For the drift check. */
  schema: SchemaSnapshot;
  /** What the copy follows (virtual keys not yet added). */
  graph: Graph;
  /** Taken from the cache: the source's catalog is what it was when they were read. */
  cached: boolean;
}

/**
 * The source's schema and graph, read on the copy's snapshot (~100 ms over 200 tables), or, when
 * its catalog's fingerprint (~10 ms, catalog-cache.ts) is the one recorded by an earlier copy from
 * the same database, what that copy read: a nightly copy from a production whose schema changes
 * with its deploys reads it once per deploy. Nothing is written to the source either way.
 */
export async function readSourceFacts(lead: SqlClient, config: ResolvedConfig, bookkeeping: (key: string) => boolean, from: Target): Promise<SourceFacts> {
  const file = from.kind === 'pg' ? catalogCacheFile(config, 'copy-source', [from.host, String(from.port), from.database]) : undefined;
  const fingerprint = file ? (await lead.query<{ fingerprint: string }>(FINGERPRINT)).rows[0].fingerprint : undefined;
  const entry = file ? parseEntry(readIfExists(file)) : undefined;
  if (entry && entry.fingerprint === fingerprint) return { schema: entry.schema, graph: graphOf(entry.graph), cached: true };
  const schema = await sourceSchema(lead, config);
  const graph = await readGraph(lead, bookkeeping);
  if (file && fingerprint) {
    const saved: Entry = { fingerprint, schema, graph: storedGraph(graph) };
    // A cache that cannot be written (a read-only node_modules) only costs the next copy the reading.
    try {
      writeFileAtomic(file, JSON.stringify(saved));
    } catch {}
  }
  return { schema, graph, cached: false };
}

interface Entry {
  fingerprint: string;
  schema: SchemaSnapshot;
  graph: StoredGraph;
}

function parseEntry(text: string | undefined): Entry | undefined {
  if (!text) return undefined;
  try {
    const entry = JSON.parse(text) as Entry;
    return typeof entry.fingerprint === 'string' && Array.isArray(entry.graph?.tables) && entry.schema ? entry : undefined;
  } catch {
    return undefined; // a damaged file: read the source, write it again
  }
}

import type { PGlite } from '@electric-sql/pglite';
import type { Database } from '../database.js';

/**
 * The PGlite instance behind each open embedded Database, known only inside the driver: the rest
 * of dbctl asks `capabilities`, and the few things only the instance can do (its pg_dump) are
 * driver functions taking the Database.
 */
const instances = new WeakMap<Database, PGlite>();

export function registerEmbedded(database: Database, pglite: PGlite): void {
  instances.set(database, pglite);
}

/** The PGlite instance of an open embedded Database (the wire server serves it). */
export function embeddedInstance(database: Database): PGlite {
  const pglite = instances.get(database);
  if (!pglite) throw new Error('internal: embeddedInstance needs an open embedded database');
  return pglite;
}

/**
 * Dumps an embedded database with PGlite's own pg_dump (plain SQL); `args` are pg_dump's
 * (`--schema-only`, `--data-only`). Only for `capabilities.dump === 'pglite-tools'`.
 */
export async function dumpEmbedded(database: Database, args: string[]): Promise<Blob> {
  const pglite = instances.get(database);
  if (!pglite) throw new Error('internal: dumpEmbedded needs an open embedded database (capabilities.dump is not pglite-tools)');
  const { pgDump } = await import('@electric-sql/pglite-tools/pg_dump');
  return pgDump({ pg: pglite, args });
}

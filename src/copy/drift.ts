import type { ResolvedConfig } from '../config/resolve.js';
import type { Database, SqlClient } from '../driver/database.js';
import { describeSchemaDiff } from '../schema/diff-text.js';
import { diffSchemas } from '../schema/diff.js';
import { introspectSchema } from '../schema/introspect.js';
import type { SchemaSnapshot } from '../schema/model.js';

/** The source's schema, read inside the copy's own transaction, on its snapshot. */
export function sourceSchema(source: SqlClient, config: ResolvedConfig): Promise<SchemaSnapshot> {
  return introspectSchema({ session: (fn) => fn(source as never) }, { migrations: config.migrations, inTransaction: true });
}

/** The schema the migrations built (the new database). */
export function builtSchema(built: Database, config: ResolvedConfig): Promise<SchemaSnapshot> {
  return introspectSchema(built, { migrations: config.migrations });
}

/**
 * What differs between the source's schema and the one the migrations built, as `schema drift`
 * lists it; empty when they agree.
 */
export function schemaDriftLines(actual: SchemaSnapshot, expected: SchemaSnapshot): string[] {
  // An extension's version is the server's (PGlite bundles its own): the data copies the same.
  const unversioned = (snapshot: SchemaSnapshot) => ({ ...snapshot, extensions: snapshot.extensions.map((e) => ({ ...e, version: '' })) });
  const diff = diffSchemas(unversioned(expected), unversioned(actual));
  if (diff.equal) return [];
  return describeSchemaDiff(diff, { missing: 'missing (in the migrations, not in the source)', extra: 'extra (in the source, not in the migrations)' });
}

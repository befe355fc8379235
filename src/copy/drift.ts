import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import type { SqlClient } from '../driver/database.js';
import { describeSchemaDiff } from '../schema/diff-text.js';
import { diffSchemas } from '../schema/diff.js';
import { introspectSchema } from '../schema/introspect.js';
import type { SchemaSnapshot } from '../schema/model.js';

/**
 * What differs between the source's schema and the one the migrations built (the new database),
 * as `schema drift` lists it; empty when they agree. The source is read inside the copy's own
 * transaction, on its snapshot.
 */
export async function schemaDriftLines(source: SqlClient, built: Database, config: ResolvedConfig): Promise<string[]> {
  const migrations = config.migrations;
  const actual = await introspectSchema({ session: (fn) => fn(source as never) }, { migrations, inTransaction: true });
  const expected = await introspectSchema(built, { migrations });
  // An extension's version is the server's (PGlite bundles its own): the data copies the same.
  const unversioned = (snapshot: SchemaSnapshot) => ({ ...snapshot, extensions: snapshot.extensions.map((e) => ({ ...e, version: '' })) });
  const diff = diffSchemas(unversioned(expected), unversioned(actual));
  if (diff.equal) return [];
  return describeSchemaDiff(diff, { missing: 'missing (in the migrations, not in the source)', extra: 'extra (in the source, not in the migrations)' });
}

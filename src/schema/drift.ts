import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import type { TestdbEvent } from '../testdb/index.js';
import { diffSchemas, type SchemaDiff } from './diff.js';
import { introspectSchema } from './introspect.js';
import { assertSchemasExist } from './named-schemas.js';
import { filterSnapshot, referenceSnapshot } from './reference.js';

export interface DriftOptions {
  /** Only these schemas. */
  schemas?: string[];
  /** Reports building the migrated template (the first time for this migration set). */
  onEvent?: (event: TestdbEvent) => void;
}

export interface DriftReport {
  /** `expected`: what the migrations build; `actual`: the live database. */
  diff: SchemaDiff;
  /** The testdb template the reference comes from; whether this call built it; whether its snapshot was cached. */
  reference: { template: string; built: boolean; cached: boolean };
}

/**
 * Compares the live database with the schema its migrations build: the project's migrated testdb
 * template on the same host (server or embedded directory; built once per migration set, see
 * `dbctl testdb`), introspected the same way. The same server means the same Postgres version and
 * extensions, so only real differences show.
 */
export async function detectDrift(database: Database, config: ResolvedConfig, options: DriftOptions = {}): Promise<DriftReport> {
  const actual = await introspectSchema(database, { schemas: options.schemas, migrations: config.migrations });
  const { snapshot, template, built, cached } = await referenceSnapshot(database, config, options.onEvent);
  assertSchemasExist(options.schemas, [actual, snapshot], 'the database or what the migrations build');
  return { diff: diffSchemas(filterSnapshot(snapshot, options.schemas), actual), reference: { template, built, cached } };
}

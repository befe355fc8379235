import type { ResolvedConfig } from '../config/resolve.js';
import { openDatabase, type Database } from '../driver/open.js';
import { createTestdb, dropTestdb, type TestdbEvent } from '../testdb/index.js';
import { diffSchemas, type SchemaDiff } from './diff.js';
import { introspectSchema } from './introspect.js';

export interface DriftOptions {
  /** Only these schemas. */
  schemas?: string[];
  /** Reports building the migrated template (the first time for this migration set). */
  onEvent?: (event: TestdbEvent) => void;
}

export interface DriftReport {
  /** `expected`: what the migrations build; `actual`: the live database. */
  diff: SchemaDiff;
  /** The testdb template the reference was cloned from, and whether this call built it. */
  reference: { template: string; built: boolean };
}

/**
 * Compares the live database with the schema its migrations build: a clone of the project's
 * migrated testdb template on the same host (server or embedded directory; built once per
 * migration set, see `dbctl testdb`), introspected the same way and then dropped. The same server
 * means the same Postgres version and extensions, so only real differences show.
 */
export async function detectDrift(database: Database, config: ResolvedConfig, options: DriftOptions = {}): Promise<DriftReport> {
  const introspect = (db: Database) => introspectSchema(db, { schemas: options.schemas, migrations: config.migrations });
  const actual = await introspect(database);
  const clone = await createTestdb({ config, onEvent: options.onEvent });
  try {
    const reference = await openDatabase({ url: clone.url, cwd: config.cwd, connectTimeoutMs: config.connectTimeoutMs, poolSize: 1, kysely: false });
    let expected;
    try {
      expected = await introspect(reference);
    } finally {
      await reference.close();
    }
    return { diff: diffSchemas(expected, actual), reference: { template: clone.template!, built: clone.built } };
  } finally {
    await dropTestdb(config, clone.name);
  }
}

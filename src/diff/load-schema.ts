import type { BookkeepingNames } from '../catalog/bookkeeping.js';
import type { Database } from '../driver/database.js';
import { UsageError } from '../errors.js';
import { introspectSchema } from '../schema/introspect.js';
import type { SchemaSnapshot } from '../schema/model.js';
import { describeSqlError } from '../sql/sql-error.js';
import type { SchemaSource } from './source.js';

/**
 * Loads the schema's files into an empty scratch database, one by one so that an error names its
 * file, line and column, and reads the schema back: `migrate diff`'s desired state. The same code
 * runs in the main thread (a server scratch database) and in desired-worker.ts (embedded).
 */
export async function loadSchemaSnapshot(database: Database, files: SchemaSource['files'], migrations: BookkeepingNames): Promise<SchemaSnapshot> {
  for (const { file, sql } of files) {
    try {
      await database.session((client) => client.script(sql));
    } catch (error) {
      const info = describeSqlError(error, { text: sql, offset: 0 });
      throw new UsageError(`${file}${info.line ? `:${info.line}:${info.col}` : ''}: ${info.message}`, { hint: 'the schema folder must load on an empty database, file by file in name order', data: { file, ...info }, cause: error }, 'schema_source_missing');
    }
  }
  return introspectSchema(database, { migrations });
}

import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { filesUnder } from '../source-files.js';
import { renamesInSql, type Rename } from './renames.js';

/** The desired schema as SQL: its files in load order, and the renames their comments declare. */
export interface SchemaSource {
  /** As given (relative to the project): `schema/`, `schema.sql`. */
  shown: string;
  files: { file: string; sql: string }[];
  renames: Rename[];
}

/**
 * Reads the schema folder (every .sql file under it, in code-point order of their paths: number
 * them to order them) or one file. Missing or empty is a usage error naming the path.
 */
export function readSchemaSource(cwd: string, given: string): SchemaSource {
  const full = path.resolve(cwd, given);
  if (!fs.existsSync(full)) {
    throw new UsageError(`schema source ${given} not found`, {
      hint: 'create it (dbctl schema dump --out schema/schema.sql seeds it from the migrations), or set schema.dir in the config or pass --schema-dir',
      data: { path: given },
    }, 'schema_source_missing');
  }
  const list = fs.statSync(full).isDirectory() ? filesUnder(full).filter((f) => f.endsWith('.sql')).map((f) => path.join(full, f)) : [full];
  if (!list.length) throw new UsageError(`schema source ${given} holds no .sql file`, { data: { path: given } }, 'schema_source_missing');
  const files = list.map((file) => ({ file: path.relative(cwd, file) || file, sql: fs.readFileSync(file, 'utf8') }));
  return { shown: given, files, renames: files.flatMap((f) => renamesInSql(f.sql)) };
}

import { writeFileIfChanged } from '../atomic-write.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { generateTypes, withTypegenOptions, type TypegenOptions } from './generate.js';

export interface WriteResult {
  /** Absolute path of the types file. */
  file: string;
  /** False when the file already held exactly these types (it is then left untouched). */
  changed: boolean;
  /** Number of table and view interfaces in it. */
  tables: number;
}

/** Generates the types and writes them to `typegen.out` (or `opts.out`), atomically. */
export async function writeTypes(database: Database, config: ResolvedConfig, opts?: TypegenOptions): Promise<WriteResult> {
  const resolved = withTypegenOptions(config, opts);
  const file = resolved.typegen.out;
  const content = await generateTypes(database, resolved);
  const tables = countTables(content);
  return { file, changed: writeFileIfChanged(file, content), tables };
}

/** Entries of the generated `DB` interface. */
function countTables(content: string): number {
  const body = content.slice(content.indexOf('export interface DB {'));
  return (body.match(/^ {2}\S.*;$/gm) ?? []).length;
}

import fs from 'node:fs';
import path from 'node:path';
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
  if (readIfExists(file) === content) return { file, changed: false, tables };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
  return { file, changed: true, tables };
}

export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Entries of the generated `DB` interface. */
function countTables(content: string): number {
  const body = content.slice(content.indexOf('export interface DB {'));
  return (body.match(/^ {2}\S.*;$/gm) ?? []).length;
}

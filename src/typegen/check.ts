import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { summarizeTypesDiff } from './diff-summary.js';
import { loadCodegen } from './codegen.js';
import { generateTypes } from './generate.js';
import { readIfExists } from '../atomic-write.js';

export interface TypesCheck {
  fresh: boolean;
  /** Absolute path of the types file. */
  file: string;
  /** Unified diff from the file to the generated types; absent when fresh or the file is missing. */
  diff?: string;
}

/** What `--check` reports: the check, plus one line per declaration that differs. */
export interface TypesInspection extends TypesCheck {
  missing: boolean;
  summary: string[];
}

/** Whether `typegen.out` holds exactly the types the database would generate now. Writes nothing. */
export async function checkTypes(database: Database, config: ResolvedConfig): Promise<{ fresh: boolean; file: string; diff?: string }> {
  const { fresh, file, diff } = await inspectTypes(database, config);
  return diff === undefined ? { fresh, file } : { fresh, file, diff };
}

export async function inspectTypes(database: Database, config: ResolvedConfig): Promise<TypesInspection> {
  const file = config.typegen.out;
  const generated = await generateTypes(database, config);
  const current = readIfExists(file);
  if (current === undefined) return { fresh: false, file, missing: true, summary: [] };
  if (current === generated) return { fresh: true, file, missing: false, summary: [] };
  const { DiffChecker } = await loadCodegen();
  return { fresh: false, file, missing: false, diff: new DiffChecker().diff(current, generated), summary: summarizeTypesDiff(current, generated) };
}

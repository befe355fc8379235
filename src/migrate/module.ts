import path from 'node:path';
import type { Kysely } from 'kysely';
import { UsageError } from '../errors.js';
import { importUserModule, stackPlace } from '../loader.js';
import { loadBundled, originalFrame, type BundleInput } from './bundle.js';

/** What a TS/JS migration exports. */
export interface ModuleMigration {
  up(db: Kysely<any>): Promise<void>;
  down?(db: Kysely<any>): Promise<void>;
  config?: { transaction?: boolean };
}

/** Modules of the current run, loaded together (see bundle.ts), by file. */
const preloaded = new Map<string, unknown>();

/**
 * Loads a run's pending TS/JS migrations as one bundle, so `loadModuleMigration` finds them ready.
 * Files the bundle does not cover are loaded one by one as before.
 */
export async function preloadModuleMigrations(files: BundleInput[]): Promise<void> {
  for (const { file } of files) preloaded.delete(file);
  const bundled = await loadBundled(files);
  for (const [file, mod] of bundled?.modules ?? []) preloaded.set(file, mod);
}

/**
 * Imports a TS or JS migration (no build step). Called only for migrations that are about to run,
 * so `status` and a no-op `up` never pay for transpiling.
 */
export async function loadModuleMigration(file: string): Promise<ModuleMigration> {
  const mod = preloaded.get(file) ?? (await importUserModule(file, 'migration'));
  const m = mod?.up ? mod : mod?.default?.up ? mod.default : mod;
  if (typeof m?.up !== 'function') {
    throw new UsageError(`${path.basename(file)}: a migration must export an async function up(db)`, {}, 'migration_invalid');
  }
  if (m.down !== undefined && typeof m.down !== 'function') {
    throw new UsageError(`${path.basename(file)}: "down" must be a function`, {}, 'migration_invalid');
  }
  return { up: m.up, down: m.down, config: m.config };
}

/** The first stack frame inside the migration file, as `file:line:col`. */
export function frameIn(error: unknown, file: string): { line: number; col: number } | undefined {
  return stackPlace(error, file) ?? originalFrame(error, file);
}

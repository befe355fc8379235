import path from 'node:path';
import { UsageError } from '../errors.js';
import type { SeedContext } from './context.js';
import type { FixtureUpsert } from './context.js';

/** What a TS/JS seed file exports: `seed(ctx)` (named or default), and/or fixtures to upsert. */
export interface SeedModule {
  seed?: (ctx: SeedContext) => unknown;
  /** Fixtures upserted before `seed` runs: names, or name → { table, key, update }. */
  fixtures?: string[] | Record<string, FixtureUpsert>;
}

let jitiInstance: { import(id: string): Promise<unknown> } | undefined;

/** Imports a seed file with jiti (TS without a build step), as migrations are. */
export async function loadSeedModule(file: string): Promise<SeedModule> {
  if (!jitiInstance) {
    const { createJiti } = await import('jiti');
    jitiInstance = createJiti(import.meta.url, { fsCache: true, moduleCache: false, sourceMaps: true, interopDefault: true });
  }
  let mod: any;
  try {
    mod = await jitiInstance.import(file);
  } catch (error) {
    throw new UsageError(`${path.basename(file)}: cannot load seed: ${String((error as Error)?.message ?? error).split('\n')[0]}`, { cause: error }, 'seed_load');
  }
  const seed = typeof mod?.seed === 'function' ? mod.seed : typeof mod?.default === 'function' ? mod.default : mod?.default?.seed;
  const fixtures = mod?.fixtures ?? mod?.default?.fixtures;
  if (typeof seed !== 'function' && fixtures === undefined) {
    throw new UsageError(`${path.basename(file)}: a seed file must export a function seed(ctx) (or fixtures)`, {}, 'seed_invalid');
  }
  return { seed, fixtures };
}

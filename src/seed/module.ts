import path from 'node:path';
import { UsageError } from '../errors.js';
import { importUserModule } from '../loader.js';
import type { SeedContext } from './context.js';
import type { FixtureUpsert } from './context.js';

/** What a TS/JS seed file exports: `seed(ctx)` (named or default), and/or fixtures to upsert. */
export interface SeedModule {
  seed?: (ctx: SeedContext) => unknown;
  /** Fixtures upserted before `seed` runs: names, or name → { table, key, update }. */
  fixtures?: string[] | Record<string, FixtureUpsert>;
}

/**
 * Imports a seed file (TS without a build step), read afresh each time: seeds are re-run in one
 * process. `shown` is how errors name it (`seeds/common/01_users.ts`, as a seed that fails when it
 * runs is named): seeds/common/ and seeds/<env>/ may hold files of the same name.
 */
export async function loadSeedModule(file: string, shown: string = path.basename(file)): Promise<SeedModule> {
  const mod = await importUserModule(file, 'seed', { fresh: true, shown });
  const seed = typeof mod?.seed === 'function' ? mod.seed : typeof mod?.default === 'function' ? mod.default : mod?.default?.seed;
  const fixtures = mod?.fixtures ?? mod?.default?.fixtures;
  if (typeof seed !== 'function' && fixtures === undefined) {
    throw new UsageError(`${shown}: a seed file must export a function seed(ctx) (or fixtures)`, {}, 'seed_invalid');
  }
  return { seed, fixtures };
}

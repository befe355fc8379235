import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/open.js';
import { OperationError } from '../errors.js';

type RunSeeds = (options: { database: Database; config: ResolvedConfig; env?: string }) => Promise<unknown>;

/**
 * Seeds a template through the seed capability's `runSeeds` (src/seed), loaded only when a seeded
 * template is built. The specifiers are variables so this file compiles while that module is
 * still being written (its index, or the seeder itself).
 */
export async function seedTemplate(database: Database, config: ResolvedConfig): Promise<void> {
  let runSeeds: RunSeeds | undefined;
  for (const specifier of ['../seed/index.js', '../seed/seeder.js']) {
    runSeeds = await import(specifier).then((m) => m.runSeeds as RunSeeds | undefined, () => undefined);
    if (runSeeds) break;
  }
  if (!runSeeds) throw new OperationError('cannot seed the test template: the seed module (src/seed) provides no runSeeds()', {}, 'seed_unavailable');
  await runSeeds({ database, config, env: config.env });
}

import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/open.js';
import { OperationError } from '../errors.js';

/**
 * Seeds a template through the seed capability (src/seed), loaded only when a seeded template is
 * built. The specifier is a variable so this file compiles whether or not that module is present.
 */
export async function seedTemplate(database: Database, config: ResolvedConfig): Promise<void> {
  const specifier = '../seed/index.js';
  let seeds: Record<string, unknown>;
  try {
    seeds = await import(specifier);
  } catch (error) {
    throw new OperationError('cannot seed the test template: the seed module (src/seed) is not available', { cause: error }, 'seed_unavailable');
  }
  const run = (seeds.runSeeds ?? seeds.seed) as ((options: { database: Database; config: ResolvedConfig; env: string }) => Promise<unknown>) | undefined;
  if (typeof run !== 'function') throw new OperationError('cannot seed the test template: src/seed exports no runSeeds()', {}, 'seed_unavailable');
  await run({ database, config, env: config.env });
}

import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/open.js';

/** Seeds a template with the environment's seeds; the seed capability loads only when a seeded template is built. */
export async function seedTemplate(database: Database, config: ResolvedConfig): Promise<void> {
  const { runSeeds } = await import('../seed/index.js');
  await runSeeds({ database, config, env: config.env });
}

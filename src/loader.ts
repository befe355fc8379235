import path from 'node:path';
import { UsageError } from './errors.js';

type Jiti = { import(id: string): Promise<unknown> };
const instances = new Map<boolean, Jiti>();

/**
 * Imports a user's TS or JS file (migration, seed) with jiti: no build step. `fresh` skips jiti's
 * module cache, so a file edited while the process lives (a seed re-run by a test) is read again;
 * migrations keep the cache, as their dependencies are shared and each file runs once per process.
 * A file that does not load is the user's mistake: one line naming it, exit 2.
 */
export async function importUserModule(file: string, kind: 'migration' | 'seed', options: { fresh?: boolean } = {}): Promise<any> {
  const fresh = !!options.fresh;
  let jiti = instances.get(fresh);
  if (!jiti) {
    const { createJiti } = await import('jiti');
    jiti = createJiti(import.meta.url, { fsCache: true, moduleCache: !fresh, sourceMaps: true, interopDefault: true });
    instances.set(fresh, jiti);
  }
  try {
    return await jiti.import(file);
  } catch (error) {
    const reason = String((error as Error)?.message ?? error).split('\n')[0];
    throw new UsageError(`${path.basename(file)}: cannot load ${kind}: ${reason}`, { cause: error }, `${kind}_load`);
  }
}

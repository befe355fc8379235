import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { listSourceFiles } from '../source-files.js';
import { COMMON_FOLDER, SEED_EXTENSIONS } from './files.js';

export const SEED_TEMPLATE = `import type { SeedContext } from 'dbctl';

export async function seed(ctx: SeedContext): Promise<void> {
  // Stable ids (ctx.id) and upserts make the seed idempotent: running it twice changes nothing.
  // await ctx.upsert('users', Array.from({ length: 10 * ctx.scale }, (_, i) => ({
  //   id: ctx.id('users', i),
  //   email: ctx.faker.internet.email().toLowerCase(),
  //   created_at: ctx.faker.date.past(),
  // })));
}
`;

export interface NewSeedOptions {
  dir: string;
  name: string;
  /** Folder: an environment name, or `common` (the default) for every environment. */
  env?: string;
}

/**
 * Writes `seeds/<env>/<NN>_<name>.ts`, NN being the next two-digit number after the folder's
 * highest, so the new seed runs last in its folder.
 */
export function createSeedFile(options: NewSeedOptions): string {
  const slug = options.name.trim().replace(/[\s-]+/g, '_').toLowerCase();
  if (!/^[a-z0-9_]+$/.test(slug)) throw new UsageError(`invalid seed name "${options.name}": use letters, digits, _ or -`);
  const folder = options.env ?? COMMON_FOLDER;
  if (!/^[A-Za-z0-9_-]+$/.test(folder)) throw new UsageError(`invalid environment name "${folder}"`);
  const dir = path.join(options.dir, folder);
  fs.mkdirSync(dir, { recursive: true });
  const seeds = listSourceFiles(dir, { what: 'seed', extensions: SEED_EXTENSIONS }, { folders: 'skip' }).files;
  const highest = Math.max(0, ...seeds.map((f) => Number(/^(\d+)_/.exec(f.entry)?.[1] ?? 0)));
  const file = path.join(dir, `${String(highest + 1).padStart(2, '0')}_${slug}.ts`);
  if (fs.existsSync(file)) throw new UsageError(`${path.basename(file)} already exists`);
  fs.writeFileSync(file, SEED_TEMPLATE);
  return file;
}

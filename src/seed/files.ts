import fs from 'node:fs';
import path from 'node:path';
import { assertSeedsFolder } from '../config/folders.js';
import { UsageError } from '../errors.js';

export const SEED_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.sql'];
export const COMMON_FOLDER = 'common';

export interface SeedFile {
  /** `<folder>/<file name without extension>`, e.g. `development/02_users`: the seed's identity. */
  name: string;
  file: string;
  kind: 'sql' | 'module';
}

/**
 * The seed files for `env`: `seeds/common/` first, then `seeds/<env>/`, each folder in name order
 * (plain string comparison, like migrations). Shared data goes first because environment seeds
 * build on it. A missing `common/` or `<env>/` is simply empty; a missing seeds folder is an error.
 */
export function listSeedFiles(dir: string, env: string): SeedFile[] {
  assertSeedsFolder(dir);
  const folders = env === COMMON_FOLDER ? [COMMON_FOLDER] : [COMMON_FOLDER, env];
  return folders.flatMap((folder) => filesIn(path.join(dir, folder), folder));
}

function filesIn(dir: string, folder: string): SeedFile[] {
  if (!fs.existsSync(dir)) return [];
  const files: SeedFile[] = [];
  const seen = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const ext = path.extname(entry.name);
    if (!entry.isFile() || !SEED_EXTENSIONS.includes(ext) || entry.name.endsWith('.d.ts') || entry.name.startsWith('.')) continue;
    const base = entry.name.slice(0, -ext.length);
    const clash = seen.get(base);
    if (clash) throw new UsageError(`two seed files share the name "${folder}/${base}": ${clash} and ${entry.name}`, { hint: 'rename or remove one of them' }, 'seed_duplicate');
    seen.set(base, entry.name);
    files.push({ name: `${folder}/${base}`, file: path.join(dir, entry.name), kind: ext === '.sql' ? 'sql' : 'module' });
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * `--only`: keeps the seeds named, by full name (`common/01_courses`) or by file name without the
 * folder (`01_courses`), in their usual order. A name that matches nothing is an error.
 */
export function selectSeeds(files: SeedFile[], only: string[] | undefined): SeedFile[] {
  if (!only?.length) return files;
  const strip = (n: string) => n.replace(/\.(ts|mts|js|mjs|sql)$/, '');
  const wanted = only.map(strip);
  const matches = (f: SeedFile, w: string) => f.name === w || f.name.slice(f.name.indexOf('/') + 1) === w;
  for (const w of wanted) {
    if (!files.some((f) => matches(f, w))) {
      throw new UsageError(`no seed named "${w}" for this environment`, {
        hint: files.length ? `seeds: ${files.map((f) => f.name).join(', ')}` : 'there are no seed files for this environment',
      }, 'seed_unknown');
    }
  }
  return files.filter((f) => wanted.some((w) => matches(f, w)));
}

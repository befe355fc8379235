import fs from 'node:fs';
import path from 'node:path';
import { closest } from '../config/closest.js';
import { assertSeedsFolder } from '../config/folders.js';
import { UsageError } from '../errors.js';
import { listSourceFiles, type SourceFile } from '../source-files.js';

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
  return listSeedFolder(dir, env).files;
}

/**
 * The seed files for `env` and a note for every entry that is not read: a non-seed file in
 * `common/` or `<env>/`, a subfolder of them, or a file at the top of the seeds folder (where it
 * is no environment's seed). Other environments' folders are passed over in silence, except one
 * whose name is a typo of this environment's or of `common/` (`seeds/developmnet`): its seeds would
 * never run, and the run would look complete.
 */
export function listSeedFolder(dir: string, env: string, show?: (file: string) => string): { files: SeedFile[]; notes: string[] } {
  assertSeedsFolder(dir);
  const folders = env === COMMON_FOLDER ? [COMMON_FOLDER] : [COMMON_FOLDER, env];
  const top = listSourceFiles(dir, { what: 'seed', extensions: SEED_EXTENSIONS, show }, { folders: 'skip' });
  const shown = show ?? ((f: string) => f);
  const notes = top.files.map((f) => `${shown(f.file)} is not in a seed folder: seeds are read from ${shown(path.join(dir, COMMON_FOLDER))} and ${shown(path.join(dir, '<environment>'))}`);
  notes.push(...top.notes, ...mistypedFolders(dir, folders, shown));
  const files: SeedFile[] = [];
  for (const folder of folders) {
    const listed = filesIn(path.join(dir, folder), folder, show);
    files.push(...listed.files);
    notes.push(...listed.notes);
  }
  return { files, notes };
}

function mistypedFolders(dir: string, folders: string[], shown: (file: string) => string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (folders.includes(entry.name) || !(entry.isDirectory() || entry.isSymbolicLink())) return [];
    const meant = closest(entry.name, folders);
    return meant === undefined ? [] : [`${shown(path.join(dir, entry.name))} looks like a misspelling of ${shown(path.join(dir, meant))}: its seeds are not read`];
  });
}

function filesIn(dir: string, folder: string, show?: (file: string) => string): { files: SeedFile[]; notes: string[] } {
  if (!fs.existsSync(dir)) return { files: [], notes: [] };
  if (!fs.statSync(dir).isDirectory()) return { files: [], notes: [`${(show ?? ((f: string) => f))(dir)} is not a folder: no ${folder} seeds are read`] };
  const listing = listSourceFiles(dir, { what: 'seed', extensions: SEED_EXTENSIONS, show });
  const files: SeedFile[] = [];
  let last: SourceFile | undefined;
  for (const f of listing.files) {
    if (last?.base === f.base) throw new UsageError(`two seed files share the name "${folder}/${f.base}": ${last.entry} and ${f.entry}`, { hint: 'rename or remove one of them' }, 'seed_duplicate');
    last = f;
    files.push({ name: `${folder}/${f.base}`, file: f.file, kind: f.ext === '.sql' ? 'sql' : 'module' });
  }
  return { files, notes: listing.notes };
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

import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

/**
 * The one lister of the folders users write source files into (migrations, seeds, the trees a
 * template hash covers). Symlinks are followed, as the tools that make them expect (Bazel, Nix,
 * monorepos link files into place), and anything in a folder that is not read is named in a note:
 * a file skipped without a word is a migration reported as "up to date" that never ran.
 */

export interface SourceFile {
  /** The entry's name in the folder, e.g. `001_init.sql`. */
  entry: string;
  /** The name without its extension: what migrations and seeds are known by. */
  base: string;
  ext: string;
  /** The path as listed: a symlink keeps the link's path (names and checksums follow the target's bytes). */
  file: string;
}

export interface SourceListing {
  files: SourceFile[];
  /** One line per entry that was not read, naming it and why. */
  notes: string[];
}

export interface SourceKind {
  /** What a file here is, in notes: "migration", "seed". */
  what: string;
  extensions: readonly string[];
  /** How a path is shown in notes (relative to the project, say); default as it is. */
  show?: (file: string) => string;
}

type EntryType = 'file' | 'dir' | 'dangling' | 'other';

/** What a directory entry is, following a symlink to what it points at. */
function typeOf(full: string, entry: fs.Dirent): EntryType {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const stat = fs.statSync(full);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'dangling';
  }
}

/**
 * The source files directly in `dir` (not below it), sorted by name in code-point order. Hidden
 * entries (`.gitkeep`, editor files) are passed over in silence; every other entry that is not a
 * source file of this kind (another extension, `.SQL`, a `.d.ts`, a subfolder, a dangling symlink)
 * gets a note. An entry named as a source file that cannot be read as one (a dangling symlink, a
 * pipe, a folder called `002_x.sql`) is an error (file_error).
 */
export function listSourceFiles(dir: string, kind: SourceKind, options: { folders?: 'note' | 'skip' } = {}): SourceListing {
  const show = kind.show ?? ((f: string) => f);
  const files: SourceFile[] = [];
  const notes: string[] = [];
  const exts = kind.extensions.join(', ');
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const type = typeOf(full, entry);
    const ext = path.extname(entry.name);
    if (type !== 'file' && kind.extensions.includes(ext) && !entry.name.endsWith('.d.ts')) {
      // Named as a source file but not one that can be read (a symlink whose target a broken build
      // left out, a loop, a pipe, a folder): a note would let `up` apply the files around it and
      // `status --check` pass with it never run. The folder is broken; say which entry.
      const what = type === 'dangling' ? `a symlink to ${readLink(full)}, which does not exist (or loops)` : type === 'dir' ? 'a folder' : 'not a regular file';
      throw new UsageError(`${show(full)} is named as a ${kind.what} but is ${what}: it cannot be read`, {
        hint: `fix or remove it: every ${kind.what} in ${show(dir)} must be readable, or a run would pass over it`,
        data: { file: show(full) },
      }, 'file_error');
    }
    if (type === 'dangling') {
      notes.push(`${show(full)} is a symlink to ${readLink(full)}, which does not exist: not read`);
    } else if (type === 'dir') {
      if (options.folders !== 'skip') notes.push(`${show(full)} is a folder: ${kind.what}s are read from ${show(dir)} itself, not from subfolders`);
    } else if (type === 'other') {
      notes.push(`${show(full)} is not a regular file: not read`);
    } else if (!kind.extensions.includes(ext) || entry.name.endsWith('.d.ts')) {
      const why = entry.name.endsWith('.d.ts') ? 'a type declaration'
        : kind.extensions.includes(ext.toLowerCase()) ? `extensions are lower case: ${ext.toLowerCase()}`
        : `a ${kind.what} ends in ${exts}`;
      notes.push(`${show(full)} is not a ${kind.what} (${why}): not read`);
    } else {
      files.push({ entry: entry.name, base: entry.name.slice(0, -ext.length), ext, file: full });
    }
  }
  files.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0));
  return { files, notes };
}

/** Every file below `dir` (relative, `/`-separated, sorted), symlinks followed; none when it does not exist. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  // Real paths of the folders on the way down: a symlink back up the tree must not loop forever.
  const walk = (rel: string, above: Set<string>) => {
    const here = path.join(dir, rel);
    const real = fs.realpathSync(here);
    if (above.has(real)) return;
    const inside = new Set(above).add(real);
    for (const entry of fs.readdirSync(here, { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      const type = typeOf(path.join(here, entry.name), entry);
      if (type === 'dir') walk(child, inside);
      else if (type === 'file') out.push(child);
    }
  };
  walk('', new Set());
  return out.sort();
}

function readLink(file: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return '?';
  }
}

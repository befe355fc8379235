import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Where the running process's Kysely was loaded from when the CLI loaded it as one file
 * (src/cli/kysely-fast.ts); undefined otherwise (the library, or Kysely imported as a package).
 * User files that resolve the same package get that same file, so dbctl and its migrations and seeds
 * share one instance (`db instanceof Kysely` holds) and Kysely is loaded once: bundled migrations
 * import it (src/migrate/bundle.ts), files loaded through jiti get it as an alias (src/loader.ts).
 */
export interface SharedKysely {
  /** The single-file Kysely. */
  file: string;
  /** The package it was made from (`…/node_modules/kysely`, real path). */
  packageDir: string;
}

let shared: SharedKysely | undefined;

export function sharedKysely(): SharedKysely | undefined {
  return shared;
}

export function setSharedKysely(value: SharedKysely): void {
  shared = value;
  aliases = undefined;
  samePackage.clear();
}

/** Per folder: whether `kysely` resolved from there is the shared package. */
const samePackage = new Map<string, boolean>();

/**
 * The single-file Kysely when `kysely` resolved from `dir` (as Node resolves it for a file there) is
 * the package it was made from; undefined otherwise (no shared Kysely, or a project with a Kysely of
 * its own, which then keeps its own).
 */
export function sharedKyselyFrom(dir: string): SharedKysely | undefined {
  if (!shared) return undefined;
  let same = samePackage.get(dir);
  if (same === undefined) {
    try {
      same = fs.realpathSync(createRequire(path.join(dir, 'noop.js')).resolve('kysely')).startsWith(shared.packageDir + path.sep);
    } catch {
      same = false;
    }
    samePackage.set(dir, same);
  }
  return same ? shared : undefined;
}

let aliases: Record<string, string> | undefined;

/**
 * jiti aliases giving a file in `dir` the shared Kysely: `kysely` is the single file, and each
 * subpath the package exports (`kysely/helpers/postgres`, …) its own ESM file, spelled out because
 * an alias of `kysely` alone would also rewrite `kysely/helpers/postgres` to a path inside the file.
 */
export function kyselyAliasesFrom(dir: string): Record<string, string> | undefined {
  const found = sharedKyselyFrom(dir);
  if (!found) return undefined;
  if (!aliases) {
    const next: Record<string, string> = { kysely: found.file };
    try {
      const { exports } = JSON.parse(fs.readFileSync(path.join(found.packageDir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
      for (const [key, target] of Object.entries(exports ?? {})) {
        if (key === '.' || !key.startsWith('./') || key.includes('*')) continue;
        const file = importTarget(target);
        if (typeof file === 'string') next[`kysely/${key.slice(2)}`] = path.join(found.packageDir, file);
      }
    } catch {
      /* no subpaths: `kysely` alone */
    }
    aliases = next;
  }
  return aliases;
}

/** The file an `exports` entry gives an ESM import (conditions `import`, `node`, `default`, nested). */
function importTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (!target || typeof target !== 'object') return undefined;
  const conditions = target as Record<string, unknown>;
  for (const name of ['import', 'node', 'default']) {
    const found = name in conditions ? importTarget(conditions[name]) : undefined;
    if (found) return found;
  }
  return undefined;
}

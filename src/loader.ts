import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';
import { kyselyAliasesFrom } from './kysely-shared.js';
import { excerptAt } from './sql/sql-error.js';

type Jiti = { import(id: string, options?: { default?: boolean }): Promise<unknown> };
const instances = new Map<string, Jiti>();

/**
 * The one loader of user TS/JS files (config, migrations, seeds, fleet modules): jiti, no build
 * step. `fresh` skips jiti's module cache, so a file edited while the process lives (a config, a
 * seed re-run by a test) is read again; migrations keep the cache, as their dependencies are shared
 * and each file runs once per process. Source maps on, so a stack frame names the file's own lines.
 */
export async function importWithJiti(file: string, options: { fresh?: boolean; default?: boolean } = {}): Promise<any> {
  const fresh = !!options.fresh;
  // In the CLI, a file that resolves the package dbctl's single-file Kysely was made from gets that
  // file: one Kysely instance for dbctl and the file (src/kysely-shared.ts).
  const alias = kyselyAliasesFrom(path.dirname(path.resolve(file)));
  const key = `${fresh}${alias ? '+kysely' : ''}`;
  let jiti = instances.get(key);
  if (!jiti) {
    const { createJiti } = await import('jiti');
    jiti = createJiti(import.meta.url, { fsCache: true, moduleCache: !fresh, sourceMaps: true, interopDefault: true, ...(alias ? { alias } : {}) }) as Jiti;
    instances.set(key, jiti);
  }
  return jiti.import(file, options.default ? { default: true } : undefined);
}

/**
 * Loads a user's file (a config, a fleet module: fresh, its default export, unless `load` reads it
 * another way) and turns a failure into the caller's own error, built from where and why it failed
 * (positions relative to `cwd`): each kind of file names its mistake in its own words.
 */
export async function loadUserFile(file: string, options: { cwd?: string; load?: () => Promise<unknown>; fail: (failure: LoadFailure, cause: unknown) => Error }): Promise<unknown> {
  try {
    return await (options.load ?? (() => importWithJiti(file, { fresh: true, default: true })))();
  } catch (error) {
    throw options.fail(describeLoadFailure(error, file, options.cwd), error);
  }
}

/** Where a file failed to load, and why, for a one-line error and a code frame. */
export interface LoadFailure {
  /** `path:line:col` (path as given, relative to `cwd` when one is passed), or the path alone. */
  where: string;
  /** The reason without the position (e.g. `ParseError: Unexpected token, expected ","`). */
  reason: string;
  line?: number;
  col?: number;
  /** A few lines of the file with a caret under the column. */
  excerpt?: string;
}

/**
 * Says where a load error is in `file`. A syntax error from jiti (Babel) carries `file:line:col` in its
 * message's second line, with a 0-based column; V8's own SyntaxError (a file Node imported natively)
 * puts `file:line` and a caret at the top of its stack; any other error (thrown while the module
 * ran, an import not found) is placed at its first stack frame inside the file.
 */
export function describeLoadFailure(error: unknown, file: string, cwd?: string): LoadFailure {
  const message = String((error as Error)?.message ?? error);
  const shown = cwd ? path.relative(cwd, file) || file : file;
  let reason = message.split('\n')[0].trim();
  let place: { line: number; col: number } | undefined;
  const babel = /^([\s\S]*?)\s*\n\s*(\S+):(\d+):(\d+)\s*$/.exec(message);
  if (babel && samePath(babel[2], file)) {
    reason = babel[1].trim();
    place = { line: Number(babel[3]), col: Number(babel[4]) + 1 };
  } else {
    place = v8SyntaxPlace(error, file) ?? stackPlace(error, file);
  }
  if (!place) return { where: shown, reason };
  let excerpt: string | undefined;
  try {
    excerpt = excerptAt(fs.readFileSync(file, 'utf8'), place.line, place.col);
  } catch {
    /* the file went away: the position alone */
  }
  return { where: `${shown}:${place.line}:${place.col}`, reason, ...place, excerpt };
}

function samePath(named: string, file: string): boolean {
  return path.resolve(named.replace(/^file:\/\//, '')) === path.resolve(file);
}

/** `file:///…/x.mjs:2` then the line, then a caret: the head of a SyntaxError's stack from Node's loader. */
function v8SyntaxPlace(error: unknown, file: string): { line: number; col: number } | undefined {
  const stack = String((error as Error)?.stack ?? '');
  const head = /^(\S+):(\d+)\n(.*)\n(\s*)\^/.exec(stack);
  if (!head || !samePath(head[1], file)) return undefined;
  return { line: Number(head[2]), col: head[4].length + 1 };
}

/** The first stack frame inside the file. */
export function stackPlace(error: unknown, file: string): { line: number; col: number } | undefined {
  const stack = String((error as Error)?.stack ?? '');
  const base = path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${base}:(\\d+):(\\d+)`).exec(stack);
  return match ? { line: Number(match[1]), col: Number(match[2]) } : undefined;
}

/**
 * Imports a user's migration or seed. A file that does not load is the user's mistake: one line
 * naming it at `file:line:col`, the code frame in `failureReport`, exit 2.
 */
export async function importUserModule(file: string, kind: 'migration' | 'seed', options: { fresh?: boolean; shown?: string } = {}): Promise<any> {
  // Migrations and seeds import Kysely: in the CLI, loading it first says which file it is, so the
  // user's file gets that one (see importWithJiti).
  await import('kysely');
  return loadUserFile(file, {
    load: () => importWithJiti(file, { fresh: options.fresh }),
    fail: (failure, cause) => {
      const shown = options.shown ?? path.basename(file);
      const where = failure.line ? `${shown}:${failure.line}:${failure.col}` : shown;
      return new UsageError(`${where}: cannot load ${kind}: ${failure.reason}`, { cause, data: { file, line: failure.line, col: failure.col }, failureReport: failure.excerpt }, `${kind}_load`);
    },
  });
}

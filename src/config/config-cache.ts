import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../atomic-write.js';
import { VERSION } from '../version.js';

/**
 * A TypeScript config is transpiled once per content, not on every command: loading jiti and
 * transforming through it costs every command 50–100 ms, where importing a cached `.mjs` costs ~1 ms.
 * The cache lives in the project's `node_modules/.cache/dbctl/` so that the config's bare imports
 * (`dbctl/config`) resolve exactly as from the config's own folder. Configs that a moved file would
 * change (relative imports, `import.meta`, `__dirname`, `require`) are never cached: jiti loads them.
 */
export function cachedConfigPath(file: string, root: string, source: string): string | undefined {
  const modules = path.join(root, 'node_modules');
  if (!fs.existsSync(modules)) return undefined;
  const key = createHash('sha256').update(`${VERSION}\0${file}\0${source}`).digest('hex').slice(0, 20);
  return path.join(modules, '.cache', 'dbctl', `config-${key}.mjs`);
}

/**
 * The second place for the same transpilation: `<root>/.dbctl/cache/` (git-ignored by `dbctl
 * init`), for a config whose imports do not resolve from inside node_modules: a package importing
 * itself by name (`dbctl/config` in dbctl's own repository) resolves only from within the
 * package's folder, never from below a node_modules.
 */
function fallbackPath(cached: string): string {
  const root = path.dirname(path.dirname(path.dirname(path.dirname(cached))));
  return path.join(root, '.dbctl', 'cache', path.basename(cached));
}

/** Imports the cached transpilation if there is one; undefined when there is none (yet, or ever). */
export async function importCachedConfig(cached: string | undefined): Promise<unknown> {
  if (!cached) return undefined;
  const found = [cached, fallbackPath(cached)].find((f) => fs.existsSync(f));
  if (!found) return undefined;
  const mod = await import(pathToFileURL(found).href);
  return mod.default ?? mod;
}

/**
 * Whether `imports` resolve from `place`, proven without running the config a second time (jiti has
 * just run it: its side effects, a console.log, a counter, must happen once per command). A probe
 * module beside `place` imports only the packages the config imports, the way the cached copy
 * would; the config's own body never runs here.
 */
async function importsResolveFrom(place: string, imports: string[]): Promise<boolean> {
  if (imports.length === 0) return true;
  const probe = `${place}.${process.pid}.probe.mjs`;
  fs.writeFileSync(probe, imports.map((specifier) => `import ${JSON.stringify(specifier)};\n`).join(''));
  try {
    return await import(pathToFileURL(probe).href).then(() => true, () => false);
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

/** The specifiers the transpiled config imports, statically or dynamically (es-module-lexer: Vite's own). */
async function importSpecifiers(code: string): Promise<string[]> {
  const { init, parse } = await import('es-module-lexer');
  await init;
  const [imports] = parse(code);
  return [...new Set(imports.map((i) => i.n).filter((n): n is string => typeof n === 'string'))];
}

/** Marks a place whose copy of the transpilation could not be imported (then the next place is tried, or jiti). */
const skipMarker = (cached: string) => cached.replace(/\.mjs$/, '.jiti');

const LOCATION_DEPENDENT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]\.{1,2}\/|import\.meta|__dirname|__filename|\brequire\s*\(/;

/**
 * Writes the ESM transpilation for next time (types stripped, nothing else changed). Best effort:
 * without a transpiler, or for a config that depends on where it is, nothing is written and jiti
 * keeps loading it.
 */
export async function writeConfigCache(cached: string | undefined, source: string, file: string): Promise<void> {
  if (!cached || LOCATION_DEPENDENT.test(source)) return;
  try {
    const out = await stripTypes(source, file);
    if (out === undefined) return noteNoTranspiler(cached);
    if (LOCATION_DEPENDENT.test(out)) return;
    const imports = await importSpecifiers(out);
    // Proven once in each place: a config whose imports do not resolve from one is marked there.
    for (const place of [cached, fallbackPath(cached)]) {
      if (fs.existsSync(skipMarker(place))) continue;
      fs.mkdirSync(path.dirname(place), { recursive: true });
      if (await importsResolveFrom(place, imports)) {
        writeFileAtomic(place, out);
        return;
      }
      fs.writeFileSync(skipMarker(place), '');
    }
  } catch {
    /* no cache this time: the config was loaded through jiti */
  }
}

/**
 * TypeScript's transpileModule where the project's TypeScript has a JS API (5, 6); else Node's own
 * type stripping (22.13+, 23.2+): TypeScript 7 is a native binary whose package exports no compiler
 * API. Undefined when neither is there (Node 20 with TypeScript 7 or none).
 */
async function stripTypes(source: string, file: string): Promise<string | undefined> {
  const ts: any = await import('typescript').then((m) => m.default ?? m, () => undefined);
  if (typeof ts?.transpileModule === 'function') {
    return ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false, isolatedModules: true },
    }).outputText;
  }
  const { stripTypeScriptTypes } = (await import('node:module')) as { stripTypeScriptTypes?: (code: string, options?: { mode?: 'strip' }) => string };
  if (typeof stripTypeScriptTypes !== 'function') return undefined;
  // Node flags it experimental and would print so on every first load of a config; dbctl only
  // strips types (no transform), whose output Node then parses like any module: a change there
  // shows as a failed import, and jiti loads the config instead.
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: any[]) => {
    if (!String((warning as Error)?.message ?? warning).includes('stripTypeScriptTypes')) (emit as any).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return stripTypeScriptTypes(source, { mode: 'strip' });
  } finally {
    process.emitWarning = emit;
  }
}

let note: string | undefined;

/** Remembers, once per project (a marker beside the cache), that its config cannot be cached here. */
function noteNoTranspiler(cached: string): void {
  const marker = path.join(path.dirname(cached), 'no-transpiler.noted');
  if (fs.existsSync(marker)) return;
  fs.mkdirSync(path.dirname(marker), { recursive: true });
  fs.writeFileSync(marker, '');
  note = `dbctl.config.ts is loaded through jiti on every command (~100 ms): caching it needs TypeScript's JS API (TypeScript 5 or 6; TypeScript 7 has none) or Node 22.13+ (node:module stripTypeScriptTypes) — see README "TypeScript 7"`;
}

/** The one-time note about the config cache, if this process has one to give (the CLI prints it). */
export function takeConfigCacheNote(): string | undefined {
  const taken = note;
  note = undefined;
  return taken;
}

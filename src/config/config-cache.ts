import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** Imports the cached transpilation if there is one; undefined when there is none (yet, or ever). */
export async function importCachedConfig(cached: string | undefined): Promise<unknown> {
  if (!cached || !fs.existsSync(cached)) return undefined;
  const mod = await import(pathToFileURL(cached).href);
  return mod.default ?? mod;
}

/** Marks a config whose transpilation cannot be imported from the cache (e.g. a package importing itself). */
const skipMarker = (cached: string) => cached.replace(/\.mjs$/, '.jiti');

const LOCATION_DEPENDENT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]\.{1,2}\/|import\.meta|__dirname|__filename|\brequire\s*\(/;

/**
 * Writes the ESM transpilation for next time (TypeScript's transpileModule: types stripped, nothing
 * else changed). Best effort: without TypeScript installed, or for a config that depends on where
 * it is, nothing is written and jiti keeps loading it.
 */
export async function writeConfigCache(cached: string | undefined, source: string, file: string): Promise<void> {
  if (!cached || LOCATION_DEPENDENT.test(source) || fs.existsSync(skipMarker(cached))) return;
  try {
    const ts = (await import('typescript')).default;
    const out = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false, isolatedModules: true },
    }).outputText;
    if (LOCATION_DEPENDENT.test(out)) return;
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    const temp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temp, out);
    fs.renameSync(temp, cached);
    // Proven once: a config whose imports do not resolve from the cache (a package's own name
    // inside its repository) is marked and keeps loading through jiti.
    await import(pathToFileURL(cached).href).catch(() => {
      fs.rmSync(cached, { force: true });
      fs.writeFileSync(skipMarker(cached), '');
    });
  } catch {
    /* no cache this time: the config was loaded through jiti */
  }
}

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

/** Marks a place whose copy of the transpilation could not be imported (then the next place is tried, or jiti). */
const skipMarker = (cached: string) => cached.replace(/\.mjs$/, '.jiti');

const LOCATION_DEPENDENT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]\.{1,2}\/|import\.meta|__dirname|__filename|\brequire\s*\(/;

/**
 * Writes the ESM transpilation for next time (TypeScript's transpileModule: types stripped, nothing
 * else changed). Best effort: without TypeScript installed, or for a config that depends on where
 * it is, nothing is written and jiti keeps loading it.
 */
export async function writeConfigCache(cached: string | undefined, source: string, file: string): Promise<void> {
  if (!cached || LOCATION_DEPENDENT.test(source)) return;
  try {
    const ts = (await import('typescript')).default;
    const out = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false, isolatedModules: true },
    }).outputText;
    if (LOCATION_DEPENDENT.test(out)) return;
    const imports = ts.preProcessFile(out, true, false).importedFiles.map((f) => f.fileName);
    // Proven once in each place: a config whose imports do not resolve from one is marked there.
    for (const place of [cached, fallbackPath(cached)]) {
      if (fs.existsSync(skipMarker(place))) continue;
      fs.mkdirSync(path.dirname(place), { recursive: true });
      if (await importsResolveFrom(place, imports)) {
        const temp = `${place}.${process.pid}.tmp`;
        fs.writeFileSync(temp, out);
        fs.renameSync(temp, place);
        return;
      }
      fs.writeFileSync(skipMarker(place), '');
    }
  } catch {
    /* no cache this time: the config was loaded through jiti */
  }
}

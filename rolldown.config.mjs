// Bundles the CLI (bin/dbctl.js) from the tsc output: one file to load for `--help` instead of ~100.
// Run after tsc (`npm run build`). The library entries (dist/index.js, dist/testing.js) stay unbundled.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'rolldown';

// Small pure-JS CLI dependencies that go into the bundle. Every other package stays external and is
// imported from node_modules at run time: above all kysely (a peer dependency: the project's), whose
// instance user migrations share; it is loaded as one cached file made from that package (below).
const BUNDLED = ['commander', 'chalk', 'dotenv'];
const BUILTINS = new Set(builtinModules);

function external(id) {
  if (id.startsWith('node:') || BUILTINS.has(id)) return true;
  // kysely goes through the kysely-fast plugin below (which keeps kysely-fast.js's own import external).
  if (id === 'kysely') return false;
  // Relative, absolute (also C:\…) and package-internal (`#x`) specifiers: part of the bundle.
  if (/^[./#\0]|^[a-z]:[\\/]/i.test(id) || path.isAbsolute(id)) return false;
  return !BUNDLED.some((name) => id === name || id.startsWith(`${name}/`));
}

// The CLI's `kysely` is kysely-fast.ts's: the same package, loaded as one cached file (~15 ms instead
// of ~120 ms for its ~240 modules). A virtual module re-exports it under every name Kysely exports;
// kysely-fast.js itself imports the real package, as its fallback.
const KYSELY_FAST = path.resolve('dist/cli/kysely-fast.js');
const KYSELY_SHIM = '\0dbctl-kysely';
const kyselyFast = {
  name: 'dbctl-kysely-fast',
  resolveId(id, importer) {
    if (id !== 'kysely') return null;
    return importer && path.resolve(importer) === KYSELY_FAST ? { id, external: true } : KYSELY_SHIM;
  },
  async load(id) {
    if (id !== KYSELY_SHIM) return null;
    const names = Object.keys(await import('kysely')).filter((n) => n !== 'default');
    return `import { kysely } from ${JSON.stringify(KYSELY_FAST)};\nconst k = await kysely;\nexport const { ${names.join(', ')} } = k;\n`;
  },
};

export default defineConfig({
  input: { main: 'dist/cli/main.js' },
  plugins: [kyselyFast],
  platform: 'node',
  // Lets the modules `--help` needs (shared with the lazy chunks) live in main.js itself: one file.
  preserveEntrySignatures: 'allow-extension',
  external,
  output: {
    dir: 'dist/cli-bundle',
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    cleanDir: true,
    sourcemap: true,
  },
});

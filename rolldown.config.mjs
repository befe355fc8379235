// Bundles the CLI (bin/dbctl.js) from the tsc output: one file to load for `--help` instead of ~100.
// Run after tsc (`npm run build`). The library entries (dist/index.js, dist/testing.js) stay unbundled.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'rolldown';

// Small pure-JS CLI dependencies that go into the bundle. Every other package stays external and is
// imported from node_modules at run time: above all kysely, whose instance user migrations share.
const BUNDLED = ['commander', 'chalk', 'dotenv'];
const BUILTINS = new Set(builtinModules);

function external(id) {
  if (id.startsWith('node:') || BUILTINS.has(id)) return true;
  // Relative, absolute (also C:\…) and package-internal (`#x`) specifiers: part of the bundle.
  if (/^[./#\0]|^[a-z]:[\\/]/i.test(id) || path.isAbsolute(id)) return false;
  return !BUNDLED.some((name) => id === name || id.startsWith(`${name}/`));
}

export default defineConfig({
  input: { main: 'dist/cli/main.js' },
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

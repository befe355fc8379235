#!/usr/bin/env node
// With -v an internal error prints its stack: map the bundle's lines back to dist/ (off otherwise:
// reading source maps costs start-up time).
if (process.argv.includes('-v') || process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);
// The embedded database is a 10 MB WebAssembly module that a command uses for a second or two: V8's
// background recompilation of its hot functions (tier-up) cost ~40 % more CPU per command on this
// 2-core machine and bought nothing measurable, even over an 8 s embedded workload. Before any
// WebAssembly is compiled, so it applies to the whole run.
(await import('node:v8')).setFlagsFromString('--liftoff-only');
const { main } = await import('../dist/cli-bundle/main.js');
await main(process.argv);

#!/usr/bin/env node
// With -v an internal error prints its stack: map the bundle's lines back to dist/ (off otherwise:
// reading source maps costs start-up time).
if (process.argv.includes('-v') || process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);
const { main } = await import('../dist/cli-bundle/main.js');
await main(process.argv);

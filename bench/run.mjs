#!/usr/bin/env node
// npm run bench [-- --cases 1,2,6 --size small --runs 3 --url postgres://… --no-write]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine } from './lib/machine.mjs';
import { holdHarnessLock } from './lib/pg.mjs';
import { REPO, removeTempProjects, useBuildSnapshot } from './lib/project.mjs';
import { renderNotes, renderTable, renderTargets } from './lib/report.mjs';
import { writeBenchmarksDoc } from './lib/doc.mjs';

const CASES = {
  1: './cases/1-migrate-apply.mjs',
  2: './cases/2-migrate-noop.mjs',
  3: './cases/3-testdb.mjs',
  4: './cases/4-seed.mjs',
  5: './cases/5-reset.mjs',
  6: './cases/6-startup.mjs',
  7: './cases/7-embedded.mjs',
  8: './cases/8-drift.mjs',
  9: './cases/9-backup.mjs',
  10: './cases/10-fleet.mjs',
  11: './cases/11-lint.mjs',
  12: './cases/12-copy.mjs',
  13: './cases/13-diff.mjs',
};

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    size: { type: 'string', default: 'default' },
    cases: { type: 'string', default: Object.keys(CASES).join(',') },
    runs: { type: 'string' },
    write: { type: 'boolean' },
    'no-write': { type: 'boolean' },
    'no-snapshot': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(`usage: npm run bench -- [options]
  --url URL       server to benchmark on (default postgres://postgres@127.0.0.1:5432/postgres, or BENCH_DATABASE_URL);
                  the harness creates and drops its own dbctl_bench_* databases there
  --size S        default | small | large (small: quick validation sizes; large: case 9 at over 1 GB)
  --cases LIST    e.g. 1,2,6 (default: all)
  --runs N        timed runs per variant (default: per case, 2-7), after one untimed warm-up round
  --write         write docs/benchmarks.md (default: only for a full default-size run); --no-write to skip
  --no-snapshot   measure bin/ and dist/ in place (default: a copy, so a rebuild during the run changes nothing)
  -q, --quiet     no per-run progress on stderr
`);
  process.exit(0);
}
if (!['default', 'small', 'large'].includes(values.size)) throw new Error(`--size must be default, small or large (got ${values.size})`);
const selected = values.cases.split(',').map((s) => s.trim()).filter(Boolean);
for (const id of selected) if (!CASES[id]) throw new Error(`--cases: no case ${id} (cases: ${Object.keys(CASES).join(', ')})`);
const allCases = selected.length === Object.keys(CASES).length;
const write = values['no-write'] ? false : values.write ?? (values.size === 'default' && allCases);

const log = values.quiet ? () => {} : (line) => process.stderr.write(`  ${line}\n`);
const ctx = { serverUrl: values.url, size: values.size, runs: values.runs ? Number(values.runs) : undefined, log };

if (!values['no-snapshot']) useBuildSnapshot();
const started = Date.now();
const machine = await describeMachine(values.url);
const results = [];
// Leftovers of an interrupted run are dropped first, unless another harness is running now.
const harness = await holdHarnessLock(values.url);
if (!harness.cleaned) process.stderr.write('another benchmark run is in progress on this server: its databases are left alone\n');
try {
  for (const id of selected) {
    const { default: bench } = await import(CASES[id]);
    process.stderr.write(`case ${id}: ${bench.title}\n`);
    const unavailable = await bench.unavailable?.(ctx);
    if (unavailable) {
      process.stderr.write(`  not available: ${unavailable}\n`);
      results.push({ id: bench.id, title: bench.title, unavailable });
      continue;
    }
    const t0 = Date.now();
    try {
      results.push({ id: bench.id, title: bench.title, ...(await bench.run(ctx)) });
    } catch (error) {
      // One broken case must not hide the others' numbers.
      process.stderr.write(`  failed: ${error.message}\n`);
      results.push({ id: bench.id, title: bench.title, unavailable: `failed: ${String(error.message).split('\n')[0]}` });
    }
    process.stderr.write(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
} finally {
  await harness.release();
  removeTempProjects();
}
const elapsedS = (Date.now() - started) / 1000;

const table = renderTable(results);
const targets = renderTargets(results);
const notes = renderNotes(results);
process.stdout.write(`\n${table}\n\n${targets}\n${notes ? `\n${notes}\n` : ''}\n(${values.size} size, ${elapsedS.toFixed(0)} s)\n`);
if (write) {
  const file = path.join(REPO, 'docs/benchmarks.md');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, writeBenchmarksDoc({ machine, size: values.size, elapsedS, table, targets, notes, cases: selected }));
  process.stderr.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

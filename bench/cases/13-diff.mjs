import fs from 'node:fs';
import path from 'node:path';
import { missingCommand } from '../lib/available.mjs';
import { diffSchemaSql } from '../lib/diff-schema.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { urlFor } from '../lib/pg.mjs';
import { DBCTL, NODE, tempProject } from '../lib/project.mjs';

/**
 * Case 13: `dbctl migrate diff --dry-run` on an N-table schema (9 columns, 2 indexes, 1 foreign key
 * each; bench/lib/diff-schema.mjs), as a whole process with its scratch databases:
 * - no-op: the migrations (one file) build exactly the schema folder, so the plan is empty;
 * - create: no migrations, so the plan creates all N tables and is verified (applied, drift,
 *   down, drift) on the scratch database.
 * Without --url: with one, `migrate diff` diffs the live database instead of what the migrations
 * build. Each is timed cold (the project's snapshot cache, .dbctl/schema-cache, removed before the
 * run: both scratch databases are built) and warm (the cache from an earlier run: a no-op needs no
 * scratch database; a create plan still builds and verifies on one).
 * The floor is the least the in-process scratch database costs: Node, PGlite in memory, and the
 * schema loaded into it once (a no-op diff loads it twice, migrations and schema folder, and reads
 * both catalogs). Peers that diff (drizzle-kit, @pgkit/migra) are not in this repository's
 * dependencies: see docs/benchmarks.md, migrate diff.
 * Side by side, the same two diffs with `--scratch server` (throwaway databases on the bench's
 * server, never cached), and their floor: psql loading the schema once into a new database
 * (created, loaded in one transaction, dropped).
 */
export default {
  id: 13,
  title: 'migrate diff',
  unavailable: () => missingCommand('migrate', 'diff'),
  async run({ serverUrl, size, runs, log }) {
    const count = size === 'small' ? 20 : 1000;
    const sql = diffSchemaSql(count);
    const projects = {};
    for (const [label, migrated] of [['noop', true], ['noop-warm', true], ['create', false], ['create-warm', false]]) {
      const dir = tempProject(`diff-${label}${count}`);
      fs.mkdirSync(path.join(dir, 'schema'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'migrations'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'schema', 'schema.sql'), sql);
      if (migrated) fs.writeFileSync(path.join(dir, 'migrations', '20260101000000_schema.sql'), `-- migrate:up\n${sql}\n-- migrate:down\n`);
      fs.writeFileSync(path.join(dir, 'schema.sql'), sql);
      projects[label] = dir;
    }
    const noop = projects.noop;
    const diff = (dir) => timeProcess(NODE, [DBCTL, 'migrate', 'diff', '--dry-run'], { cwd: dir, rss: true });
    const cache = (dir) => path.join(dir, '.dbctl', 'schema-cache');
    const cold = (dir) => async () => fs.rmSync(cache(dir), { recursive: true, force: true });
    const warm = (dir) => async () => {
      if (!fs.existsSync(cache(dir))) await diff(dir); // untimed: fills the cache
    };
    const serverEnv = { ...process.env, DATABASE_URL: serverUrl };
    const diffServer = (dir) => timeProcess(NODE, [DBCTL, 'migrate', 'diff', '--dry-run', '--scratch', 'server'], { cwd: dir, env: serverEnv, rss: true });
    const scratchDb = 'dbctl_bench_diff_floor';
    const psql = (url, ...args) => `psql -X -q -v ON_ERROR_STOP=1 ${JSON.stringify(url)} ${args.join(' ')}`;
    const serverFloorScript = [
      psql(serverUrl, '-c', JSON.stringify(`drop database if exists ${scratchDb}`)),
      psql(serverUrl, '-c', JSON.stringify(`create database ${scratchDb}`)),
      psql(urlFor(serverUrl, scratchDb), '-1', '-f', 'schema.sql'),
      psql(serverUrl, '-c', JSON.stringify(`drop database ${scratchDb}`)),
    ].join(' && ');
    const serverFloor = 'psql: a new server database, the schema loaded once, dropped';
    const floor = 'node -e: PGlite in memory + the schema loaded once';
    const pglite = `import { PGlite } from '@electric-sql/pglite'; import fs from 'node:fs'; const db = await PGlite.create(); await db.exec(fs.readFileSync('schema.sql', 'utf8')); await db.close();`;
    // A 1,000-table diff runs for minutes today (docs/benchmarks.md): one timed run, no warm-up.
    const big = count >= 500;
    const rows = await interleave([
      { name: floor, run: () => timeProcess(NODE, ['--input-type=module', '-e', pglite], { cwd: noop, rss: true }) },
      { name: 'dbctl migrate diff (no-op, cold)', setup: cold(projects.noop), run: () => diff(projects.noop) },
      { name: 'dbctl migrate diff (no-op, warm)', setup: warm(projects['noop-warm']), run: () => diff(projects['noop-warm']) },
      { name: 'dbctl migrate diff (create all, cold)', setup: cold(projects.create), run: () => diff(projects.create) },
      { name: 'dbctl migrate diff (create all, warm)', setup: warm(projects['create-warm']), run: () => diff(projects['create-warm']) },
    ], { runs: runs ?? (big ? 1 : 3), warmup: !big, log });
    const serverRows = await interleave([
      { name: serverFloor, run: () => timeProcess('sh', ['-c', serverFloorScript], { cwd: noop }) },
      { name: 'dbctl migrate diff --scratch server (no-op)', run: () => diffServer(projects.noop) },
      { name: 'dbctl migrate diff --scratch server (create all)', run: () => diffServer(projects.create) },
    ], { runs: runs ?? (big ? 1 : 3), warmup: !big, log });
    const ms = (name) => rows.find((r) => r.name === name)?.median;
    const within = (name, s) => ({ label: `migrate diff, ${count} tables`, text: `${name.replace('dbctl migrate diff ', '')} ≤ ${s} s (whole process)`, measured: `${(ms(name) / 1000).toFixed(2)} s`, ok: ms(name) <= s * 1000 });
    return {
      groups: [{ label: `migrate diff, ${count} tables`, floor, rows }, { label: `migrate diff --scratch server, ${count} tables`, floor: serverFloor, rows: serverRows }],
      extraChecks: count === 1000
        ? [within('dbctl migrate diff (no-op, cold)', 1), within('dbctl migrate diff (no-op, warm)', 1), within('dbctl migrate diff (create all, cold)', 10), within('dbctl migrate diff (create all, warm)', 10)]
        : [],
      notes: [
        'the scratch databases are PGlite in memory, started from the prepared image; cold, the desired schema loads in a worker thread while the migrations run in the main thread (two cores), and the time goes to Postgres (in WebAssembly) running the schema script and reading the catalogs; warm, a no-op reads two cached snapshots',
        '--scratch server: throwaway databases on the server, one loaded after the other (two 1,000-table transactions at once overflow its lock table); on PostgreSQL 15 every btree build is fsynced (DataFileImmediateSync) and DROP DATABASE waits for a checkpoint, so the server\'s disk sets these times (compare its psql floor)',
      ],
    };
  },
};

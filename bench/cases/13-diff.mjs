import fs from 'node:fs';
import path from 'node:path';
import { missingCommand } from '../lib/available.mjs';
import { diffSchemaSql } from '../lib/diff-schema.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { NODE, tempProject, tools } from '../lib/project.mjs';

/**
 * Case 13: `dbctl migrate diff --dry-run` on an N-table schema (9 columns, 2 indexes, 1 foreign key
 * each; bench/lib/diff-schema.mjs), as a whole process with its scratch databases:
 * - no-op: the migrations (one file) build exactly the schema folder, so the plan is empty;
 * - create: no migrations, so the plan creates all N tables and is verified (applied, drift,
 *   down, drift) on the scratch database.
 * The floor is the least the in-process scratch database costs: Node, PGlite in memory, and the
 * schema loaded into it once (a no-op diff loads it twice, migrations and schema folder, and reads
 * both catalogs). Peers that diff (drizzle-kit, @pgkit/migra) are not in this repository's
 * dependencies: see docs/benchmarks.md, migrate diff.
 */
export default {
  id: 13,
  title: 'migrate diff',
  unavailable: () => missingCommand('migrate', 'diff'),
  async run({ serverUrl, size, runs, log }) {
    const count = size === 'small' ? 20 : 1000;
    const sql = diffSchemaSql(count);
    const noop = tempProject(`diff-noop${count}`);
    const create = tempProject(`diff-create${count}`);
    for (const dir of [noop, create]) {
      fs.mkdirSync(path.join(dir, 'schema'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'migrations'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'schema', 'schema.sql'), sql);
    }
    fs.writeFileSync(path.join(noop, 'migrations', '20260101000000_schema.sql'), `-- migrate:up\n${sql}\n-- migrate:down\n`);
    fs.writeFileSync(path.join(noop, 'schema.sql'), sql);

    const floor = 'node -e: PGlite in memory + the schema loaded once';
    const pglite = `import { PGlite } from '@electric-sql/pglite'; import fs from 'node:fs'; const db = await PGlite.create(); await db.exec(fs.readFileSync('schema.sql', 'utf8')); await db.close();`;
    // A 1,000-table diff runs for minutes today (docs/benchmarks.md): one timed run, no warm-up.
    const big = count >= 500;
    const rows = await interleave([
      { name: floor, run: () => timeProcess(NODE, ['--input-type=module', '-e', pglite], { cwd: noop, rss: true }) },
      { name: 'dbctl migrate diff (no-op)', run: () => timeProcess(...tools.dbctl(serverUrl, 'migrate', 'diff', '--dry-run'), { cwd: noop, rss: true }) },
      { name: 'dbctl migrate diff (create all)', run: () => timeProcess(...tools.dbctl(serverUrl, 'migrate', 'diff', '--dry-run'), { cwd: create, rss: true }) },
    ], { runs: runs ?? (big ? 1 : 3), warmup: !big, log });
    const ms = (name) => rows.find((r) => r.name === name)?.median;
    const within = (name, s) => ({ label: `migrate diff, ${count} tables`, text: `${name.replace('dbctl migrate diff ', '')} ≤ ${s} s (whole process)`, measured: `${(ms(name) / 1000).toFixed(2)} s`, ok: ms(name) <= s * 1000 });
    return {
      groups: [{ label: `migrate diff, ${count} tables`, floor, rows }],
      extraChecks: count === 1000 ? [within('dbctl migrate diff (no-op)', 1), within('dbctl migrate diff (create all)', 10)] : [],
      notes: ['the scratch databases are PGlite on a data directory; the time goes to its file-system calls (node --cpu-prof: unlink, lstat, copyFile, open under execProtocol)'],
    };
  },
};

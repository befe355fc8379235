import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { writeMigrations, writeSqlScript } from '../lib/generate.mjs';
import { onFreshDatabase } from '../lib/pg.mjs';
import { NODE, tempProject, tools, writeKyselyConfig } from '../lib/project.mjs';

const NODE_FLOOR = fileURLToPath(new URL('../fixtures/node-floor-apply.mjs', import.meta.url));
const KYSELY_FLOOR = fileURLToPath(new URL('../fixtures/node-kysely-floor-apply.mjs', import.meta.url));

/** The rows' names, shared by the targets. */
export const ROWS = {
  psql: 'psql -1 -f (one transaction)',
  nodeFloor: 'node + pg floor (.sql, a transaction each, bookkeeping)',
  kyselyFloor: 'node + pg + Kysely floor (.ts, a transaction each, bookkeeping)',
  dbctl: 'dbctl migrate up (.ts, a transaction each)',
  dbctlJs: 'dbctl migrate up (.js, a transaction each)',
  dbctlSql: 'dbctl migrate up (.sql, a transaction each)',
  dbctlSingle: 'dbctl migrate up --single-transaction (.ts)',
  kysely: 'kysely-ctl migrate:latest (.ts, one transaction)',
  npm: 'node-pg-migrate up (.js, one transaction)',
  npmEach: 'node-pg-migrate up --no-single-transaction (.js)',
};

/**
 * Case 1: apply N generated migrations to an empty database, each tool in its own format, in both
 * transaction modes: a transaction per migration (dbctl's default, node-pg-migrate
 * `--no-single-transaction`) and all in one (`--single-transaction`, node-pg-migrate's and
 * kysely-ctl's default). Two floors: psql running all the DDL as one file in one transaction, and a
 * bare Node + pg script applying the same `.sql` files with a transaction and the bookkeeping
 * rows per migration, one round trip each (what any Node tool must pay).
 */
export default {
  id: 1,
  title: 'apply generated migrations to an empty database',
  async run({ serverUrl, size, runs, log }) {
    const counts = size === 'small' ? [20, 100] : [200, 1000];
    const groups = [];
    for (const count of counts) {
      // One project per format: dbctl reads every migration file in its folder.
      const dir = tempProject(`apply${count}`);
      writeMigrations(path.join(dir, 'migrations'), count, 'ts');
      writeMigrations(path.join(dir, 'npm-migrations'), count, 'npm');
      writeSqlScript(path.join(dir, 'all.sql'), count);
      writeKyselyConfig(dir);
      const jsDir = tempProject(`apply${count}-js`);
      writeMigrations(path.join(jsDir, 'migrations'), count, 'js');
      const sqlDir = tempProject(`apply${count}-sql`);
      writeMigrations(path.join(sqlDir, 'migrations'), count, 'dbmate');

      const variant = (name, key, command, cwd = dir) =>
        onFreshDatabase(serverUrl, name, `dbctl_bench_apply_${key}`, (url) => {
          const [cmd, args] = command(url);
          return timeProcess(cmd, args, { cwd, env: { ...process.env, DATABASE_URL: url } });
        });
      const rows = await interleave([
        variant(ROWS.psql, 'psql', (url) => ['psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', 'all.sql', url]]),
        variant(ROWS.nodeFloor, 'node', () => [NODE, [NODE_FLOOR, 'migrations']], sqlDir),
        variant(ROWS.kyselyFloor, 'node_kysely', () => [NODE, [KYSELY_FLOOR, 'migrations']]),
        variant(ROWS.dbctl, 'dbctl', (url) => tools.dbctl(url, 'migrate', 'up')),
        variant(ROWS.dbctlJs, 'dbctl_js', (url) => tools.dbctl(url, 'migrate', 'up'), jsDir),
        variant(ROWS.dbctlSql, 'dbctl_sql', (url) => tools.dbctl(url, 'migrate', 'up'), sqlDir),
        variant(ROWS.dbctlSingle, 'dbctl_one', (url) => tools.dbctl(url, 'migrate', 'up', '--single-transaction')),
        variant(ROWS.kysely, 'kysely', () => tools.kyselyCtl('migrate:latest')),
        variant(ROWS.npm, 'npm', () => tools.nodePgMigrate('up', '-m', 'npm-migrations')),
        variant(ROWS.npmEach, 'npm_each', () => tools.nodePgMigrate('up', '-m', 'npm-migrations', '--no-single-transaction')),
      ], { runs: runs ?? (count > 500 ? 2 : 3), log });
      groups.push({
        label: `apply ${count} migrations`,
        floor: ROWS.psql,
        rows,
        targets: [
          { row: ROWS.dbctl, ref: ROWS.npmEach, max: 0.9, text: 'dbctl (.ts) ≤ 0.9× node-pg-migrate, a transaction each' },
          { row: ROWS.dbctlSingle, ref: ROWS.npm, max: 0.9, text: 'dbctl --single-transaction (.ts) ≤ 0.9× node-pg-migrate, one transaction' },
          { row: ROWS.dbctlSql, ref: ROWS.nodeFloor, max: count >= 1000 ? 1.1 : 1.25, text: `dbctl (.sql, the floor's files) ≤ ${count >= 1000 ? '1.1' : '1.25'}× the node + pg floor` },
          { row: ROWS.dbctl, ref: ROWS.kyselyFloor, max: count >= 1000 ? 1.1 : 1.25, text: `dbctl (.ts) ≤ ${count >= 1000 ? '1.1' : '1.25'}× the node + pg + Kysely floor (the same .ts files)` },
          { row: ROWS.dbctl, ref: ROWS.nodeFloor, max: count >= 1000 ? 1.1 : 1.25, text: `dbctl (.ts) ≤ ${count >= 1000 ? '1.1' : '1.25'}× the node + pg floor (.sql files: the TypeScript format's price included)` },
          { row: ROWS.kyselyFloor, ref: ROWS.nodeFloor, max: count >= 1000 ? 1.1 : 1.25, text: `a Node tool's Kysely migrations ≤ ${count >= 1000 ? '1.1' : '1.25'}× the node + pg floor (if not, that target is below the .ts format's floor)` },
          { row: ROWS.dbctl, ref: ROWS.kysely, max: 0.5, text: 'dbctl (.ts) ≥ 2× faster than kysely-ctl (.ts)' },
          { row: ROWS.dbctlSingle, ref: ROWS.kysely, max: 0.5, text: 'dbctl --single-transaction ≥ 2× faster than kysely-ctl (both one transaction)' },
          { row: ROWS.dbctl, max: 1.5, text: 'dbctl (.ts) ≤ 1.5× psql -1 (issue 8; out of reach at 200, see the analysis)' },
        ],
      });
    }
    return {
      groups,
      notes: [
        'the node + pg floor applies the `.sql` files dbctl\'s `.sql` row applies, one round trip per migration (BEGIN, the SQL, both bookkeeping rows, COMMIT), under the same advisory lock; it parses, checks and reports nothing',
        'the node + pg + Kysely floor applies the `.ts` files dbctl\'s `.ts` row applies: it loads pg, Kysely and jiti, imports every migration, then runs each `up(db)` on one session (a round trip per statement the migration awaits) with the bookkeeping, COMMIT and next BEGIN in one message, under the same advisory lock; it parses, checks and reports nothing',
      ],
    };
  },
};

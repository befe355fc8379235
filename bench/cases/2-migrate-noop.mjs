import path from 'node:path';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { writeMigrations } from '../lib/generate.mjs';
import { freshDatabase } from '../lib/pg.mjs';
import { NODE, tempProject, tools, writeKyselyConfig } from '../lib/project.mjs';

/** The floor: a bare Node process that opens pg and runs one query, like a status check must. */
export const NODE_PG_FLOOR = `import pg from 'pg';
const client = new pg.Client(process.env.DATABASE_URL);
await client.connect();
await client.query('select name, timestamp from kysely_migration order by name');
await client.end();`;

/** Case 2: `migrate status` and a no-op `migrate up` with N TS migrations already applied. */
export default {
  id: 2,
  title: 'status and no-op up with every migration applied',
  async run({ serverUrl, size, runs, log }) {
    const count = size === 'small' ? 100 : 1000;
    const dir = tempProject(`apply${count}`);
    writeMigrations(path.join(dir, 'migrations'), count, 'ts');
    writeMigrations(path.join(dir, 'npm-migrations'), count, 'npm');
    writeKyselyConfig(dir);

    log(`setting up: ${count} migrations applied by dbctl and by node-pg-migrate`);
    const dbctlUrl = await freshDatabase(serverUrl, 'dbctl_bench_noop_dbctl');
    await timeProcess(...tools.dbctl(dbctlUrl, 'migrate', 'up'), { cwd: dir });
    // kysely-ctl reads the same bookkeeping table (dbctl keeps Kysely's), so a copy serves it.
    const kyselyUrl = await freshDatabase(serverUrl, 'dbctl_bench_noop_kysely', { template: 'dbctl_bench_noop_dbctl' });
    const npmUrl = await freshDatabase(serverUrl, 'dbctl_bench_noop_npm');
    await timeProcess(...tools.nodePgMigrate('up', '-m', 'npm-migrations'), { cwd: dir, env: { ...process.env, DATABASE_URL: npmUrl } });

    const run = (name, [cmd, args], url) => ({
      name,
      run: () => timeProcess(cmd, args, { cwd: dir, env: { ...process.env, DATABASE_URL: url } }),
    });
    const floor = 'node -e: pg + one query';
    const rows = await interleave([
      run(floor, [NODE, ['--input-type=module', '-e', NODE_PG_FLOOR]], dbctlUrl),
      run('dbctl migrate status', tools.dbctl(dbctlUrl, 'migrate', 'status'), dbctlUrl),
      run('dbctl migrate up', tools.dbctl(dbctlUrl, 'migrate', 'up'), dbctlUrl),
      run('kysely-ctl migrate:list', tools.kyselyCtl('migrate:list'), kyselyUrl),
      run('node-pg-migrate up', tools.nodePgMigrate('up', '-m', 'npm-migrations'), npmUrl),
    ], { runs: runs ?? 3, log });
    return {
      groups: [{
        label: `${count} applied, nothing pending`,
        floor,
        rows,
        targets: [
          { row: 'dbctl migrate status', max: 2, text: 'dbctl migrate status ≤ 2× node + pg' },
          { row: 'dbctl migrate up', max: 2, text: 'dbctl migrate up (no-op) ≤ 2× node + pg' },
        ],
      }],
    };
  },
};

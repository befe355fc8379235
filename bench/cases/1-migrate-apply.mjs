import path from 'node:path';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { writeMigrations, writeSqlScript } from '../lib/generate.mjs';
import { onFreshDatabase } from '../lib/pg.mjs';
import { tempProject, tools, writeKyselyConfig } from '../lib/project.mjs';

/** Case 1: apply N generated migrations to an empty database, each tool in its own format. */
export default {
  id: 1,
  title: 'apply generated migrations to an empty database',
  async run({ serverUrl, size, runs, log }) {
    const counts = size === 'small' ? [20, 100] : [200, 1000];
    const groups = [];
    for (const count of counts) {
      const dir = tempProject(`apply${count}`);
      writeMigrations(path.join(dir, 'migrations'), count, 'ts');
      writeMigrations(path.join(dir, 'npm-migrations'), count, 'npm');
      writeSqlScript(path.join(dir, 'all.sql'), count);
      writeKyselyConfig(dir);

      const variant = (name, key, command) =>
        onFreshDatabase(serverUrl, name, `dbctl_bench_apply_${key}`, (url) => {
          const [cmd, args] = command(url);
          return timeProcess(cmd, args, { cwd: dir, env: { ...process.env, DATABASE_URL: url } });
        });
      const rows = await interleave([
        variant('psql -1 -f (one transaction)', 'psql', (url) => ['psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', 'all.sql', url]]),
        variant('dbctl migrate up', 'dbctl', (url) => tools.dbctl(url, 'migrate', 'up')),
        variant('kysely-ctl migrate:latest', 'kysely', () => tools.kyselyCtl('migrate:latest')),
        variant('node-pg-migrate up', 'npm', () => tools.nodePgMigrate('up', '-m', 'npm-migrations')),
      ], { runs: runs ?? (count > 500 ? 2 : 3), log });
      groups.push({
        label: `apply ${count} migrations`,
        floor: 'psql -1 -f (one transaction)',
        rows,
        targets: [
          { row: 'dbctl migrate up', max: 1.5, text: 'dbctl ≤ 1.5× psql' },
          { row: 'dbctl migrate up', ref: 'kysely-ctl migrate:latest', max: 1 / 3, text: 'dbctl ≥ 3× faster than kysely-ctl' },
        ],
      });
    }
    return { groups };
  },
};

import fs from 'node:fs';
import path from 'node:path';
import { missingCommand } from '../lib/available.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { tableName, writeSqlScript } from '../lib/generate.mjs';
import { freshDatabase, onFreshDatabase, withAdmin } from '../lib/pg.mjs';
import { NODE, tempProject, tools } from '../lib/project.mjs';

/** Case 5: `dbctl reset` of N tables holding data, against one TRUNCATE of the same tables. */
export default {
  id: 5,
  title: 'reset tables holding data',
  unavailable: () => missingCommand('reset'),
  async run({ serverUrl, size, runs, log }) {
    const [count, perTable] = size === 'small' ? [50, 100] : [200, 1000];
    const dir = tempProject('reset');
    writeSqlScript(path.join(dir, 'schema.sql'), count);
    let fill = '';
    for (let i = 1; i <= count; i++) fill += `insert into ${tableName(i)} (name, n, data) select 'row ' || g, g, jsonb_build_object('g', g) from generate_series(1, ${perTable}) g;\n`;
    fs.writeFileSync(path.join(dir, 'fill.sql'), fill);

    log(`setting up: ${count} tables × ${perTable} rows`);
    const templateUrl = await freshDatabase(serverUrl, 'dbctl_bench_reset_tpl');
    await timeProcess('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', 'schema.sql', '-f', 'fill.sql', templateUrl], { cwd: dir });
    await withAdmin(templateUrl, (c) => c.query('vacuum analyze'));

    const truncate = `truncate table ${Array.from({ length: count }, (_, k) => tableName(k + 1)).join(', ')} restart identity cascade`;
    const variant = (name, key, command) =>
      onFreshDatabase(serverUrl, name, `dbctl_bench_reset_${key}`, (url) => {
        const [cmd, args] = command(url);
        return timeProcess(cmd, args, { cwd: dir, env: { ...process.env, DATABASE_URL: url } });
      }, { template: 'dbctl_bench_reset_tpl' });
    const floor = 'psql: one TRUNCATE';
    const rows = await interleave([
      variant(floor, 'psql', (url) => ['psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', truncate, url]]),
      variant('node -e: pg + one TRUNCATE', 'node', () => [NODE, ['--input-type=module', '-e', `import pg from 'pg'; const c = new pg.Client(process.env.DATABASE_URL); await c.connect(); await c.query(${JSON.stringify(truncate)}); await c.end();`]]),
      variant('dbctl reset', 'dbctl', (url) => tools.dbctl(url, 'reset')),
    ], { runs: runs ?? 5, log });
    return {
      groups: [{
        label: `reset ${count} tables × ${perTable} rows`,
        floor,
        rows,
        targets: [{ row: 'dbctl reset', max: 1.1, text: 'reset ≤ 1.1× one TRUNCATE' }],
      }],
    };
  },
};

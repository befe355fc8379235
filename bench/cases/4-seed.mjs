import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { missingCommand } from '../lib/available.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { freshDatabase, onFreshDatabase, withAdmin } from '../lib/pg.mjs';
import { NODE, tempProject, tools } from '../lib/project.mjs';
import { COLUMNS, TABLE_SQL } from '../fixtures/interactions.mjs';

const fixture = (name) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** Case 4: seed N interactions-shaped faker rows with dbctl's bulk helper, against COPY and row-by-row INSERTs. */
export default {
  id: 4,
  title: 'seed interactions-shaped rows with faker',
  unavailable: () => missingCommand('seed'),
  async run({ serverUrl, size, runs, log }) {
    const [count, subsets] = size === 'small' ? [20_000, { autocommit: 1_000, transaction: 2_000 }] : [1_000_000, { autocommit: 2_000, transaction: 5_000 }];
    const dir = tempProject('seed');
    fs.mkdirSync(path.join(dir, 'seeds/common'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'seeds/common/01_interactions.ts'), `import { interactionRows } from ${JSON.stringify(pathToFileURL(fixture('interactions.mjs')).href)};

export async function seed(ctx) {
  const total = Number(process.env.BENCH_ROWS);
  await ctx.insert('interactions', interactionRows(ctx.faker, total), { total });
}
`);
    log(`setting up: ${count} rows pre-generated as COPY text`);
    const copyFile = path.join(dir, 'interactions.copy');
    await timeProcess(NODE, [fixture('pregenerate.mjs'), copyFile, String(count)], { cwd: dir });
    const templateUrl = await freshDatabase(serverUrl, 'dbctl_bench_seed_tpl');
    await withAdmin(templateUrl, (c) => c.query(TABLE_SQL));

    const variant = (name, key, run) => onFreshDatabase(serverUrl, name, `dbctl_bench_seed_${key}`, run, { template: 'dbctl_bench_seed_tpl' });
    const env = (url) => ({ ...process.env, DATABASE_URL: url, BENCH_ROWS: String(count) });
    const floor = 'psql \\copy of pre-generated rows';
    // 1M single-row INSERTs would take many minutes: time a subset and scale its insert loop.
    const rowByRow = (mode, subset) => {
      const name = `row-by-row INSERTs, ${mode === 'transaction' ? 'one transaction' : 'autocommit'} (${subset.toLocaleString('en')} rows, scaled ×${count / subset})`;
      return variant(name, `rows_${mode}`, async (url) => {
        const r = await timeProcess(NODE, [fixture('row-by-row.mjs'), url, String(subset), mode], { cwd: dir, stdout: true });
        const { loopMs } = JSON.parse(r.stdout);
        return { ms: r.ms - loopMs + loopMs * (count / subset) };
      });
    };
    const autocommit = rowByRow('autocommit', subsets.autocommit);
    const oneTransaction = rowByRow('transaction', subsets.transaction);
    const rows = await interleave([
      variant(floor, 'copy', (url) => timeProcess('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy interactions (${COLUMNS.join(', ')}) from '${copyFile}'`, url], { cwd: dir })),
      variant('dbctl seed (ctx.insert, faker rows)', 'dbctl', (url) => timeProcess(...tools.dbctl(url, 'seed'), { cwd: dir, env: env(url), rss: true })),
      variant('dbctl bulkInsert, rows made in advance (1,000 cycled)', 'cycled', (url) => timeProcess(NODE, [fixture('bulk-cycled.mjs'), url, String(count)], { cwd: dir, rss: true })),
      autocommit,
      oneTransaction,
    ], { runs: runs ?? 2, warmup: size === 'small', log });
    return {
      groups: [{
        label: `seed ${count.toLocaleString('en')} rows`,
        floor,
        rows,
        targets: [
          { row: 'dbctl seed (ctx.insert, faker rows)', max: 1 / 0.8, text: 'seed ≥ 0.8× the speed of COPY of pre-generated rows (≤ 1.25× its time)' },
          { row: 'dbctl seed (ctx.insert, faker rows)', ref: autocommit.name, max: 1 / 25, text: 'seed ≥ 25× faster than row-by-row INSERTs (autocommit, as a plain seed loop runs)' },
          { row: 'dbctl seed (ctx.insert, faker rows)', ref: oneTransaction.name, max: 1 / 25, text: 'the same against row-by-row INSERTs in one transaction (kindest form)' },
        ],
      }],
      extraChecks: [{
        label: `seed ${count.toLocaleString('en')} rows`,
        text: 'peak memory ≤ 300 MB',
        measured: `${rows[1].peakMb?.toFixed(0)} MB`,
        ok: rows[1].peakMb !== undefined ? rows[1].peakMb <= 300 : null,
      }],
      notes: [
        'seed time includes generating every row with faker in the same process (the floor\'s rows were generated beforehand, untimed); the default size runs without a warm-up round to stay within the time budget',
      ],
    };
  },
};

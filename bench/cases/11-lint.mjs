import path from 'node:path';
import { missingCommand } from '../lib/available.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { writeMigrations } from '../lib/generate.mjs';
import { freshDatabase } from '../lib/pg.mjs';
import { NODE, tempProject, tools } from '../lib/project.mjs';

/** The floor: the same runtime loading the parser dbctl uses and parsing every migration file. */
const PARSE_ALL = `import fs from 'node:fs'; import * as pg from 'libpg-query'; await pg.loadModule();
for (const f of fs.readdirSync('migrations')) pg.parseSync(fs.readFileSync('migrations/' + f, 'utf8'));`;

/**
 * Case 11: `dbctl migrate lint` of N pending SQL migrations (case 1's schema) on a fresh database:
 * the status query, squawk on every up and down section (two squawk processes: one per
 * transaction mode), Postgres's parser on every section for dbctl's large-table rules and a size
 * query, against parsing the files alone in one Node process.
 */
export default {
  id: 11,
  title: 'migrate lint',
  unavailable: () => missingCommand('migrate', 'lint'),
  async run({ serverUrl, size, runs, log }) {
    const count = size === 'small' ? 20 : 200;
    const dir = tempProject(`lint${count}`);
    writeMigrations(path.join(dir, 'migrations'), count, 'dbmate');
    const live = await freshDatabase(serverUrl, 'dbctl_bench_lint');
    const floor = 'node -e: libpg-query parse of every file';
    const rows = await interleave([
      { name: floor, run: () => timeProcess(NODE, ['--input-type=module', '-e', PARSE_ALL], { cwd: dir }) },
      { name: 'dbctl migrate lint', run: () => timeProcess(...tools.dbctl(live, 'migrate', 'lint'), { cwd: dir }) },
    ], { runs: runs ?? 5, log });
    return {
      groups: [{
        label: `migrate lint, ${count} pending SQL migrations`,
        floor,
        rows,
        targets: [{ row: 'dbctl migrate lint', max: 3, text: 'lint ≤ 3× parsing the files alone' }],
      }],
    };
  },
};

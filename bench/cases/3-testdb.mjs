import fs from 'node:fs';
import path from 'node:path';
import { missingCommand } from '../lib/available.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { writeMigrations } from '../lib/generate.mjs';
import { dropDatabase, ident, onFreshDatabase, withAdmin } from '../lib/pg.mjs';
import { tempProject, tools } from '../lib/project.mjs';

const PREFIX = 'dbctl_bench_tdb';

async function dropClones(serverUrl) {
  await withAdmin(serverUrl, async (c) => {
    const { rows } = await c.query(`select datname from pg_database where datname like 'dbctl\\_bench\\_tdb\\_test\\_%'`);
    for (const r of rows) await c.query(`drop database if exists ${ident(r.datname)} with (force)`);
  });
}

/** Case 3: a test database from a warm template, against raw CREATE DATABASE … TEMPLATE and migrating from empty. */
export default {
  id: 3,
  title: 'test database from a warm template',
  unavailable: () => missingCommand('testdb', 'create'),
  async run({ serverUrl, size, runs, log }) {
    const count = size === 'small' ? 20 : 200;
    const dir = tempProject(`apply${count}`);
    writeMigrations(path.join(dir, 'migrations'), count, 'ts');
    // The prefix keeps dbctl's templates and clones among the databases the harness drops.
    fs.writeFileSync(path.join(dir, 'dbctl.config.json'), JSON.stringify({ testdb: { prefix: PREFIX } }));

    log(`setting up: the template for ${count} migrations`);
    await timeProcess(...tools.dbctl(serverUrl, 'testdb', 'create'), { cwd: dir });
    const template = await withAdmin(serverUrl, async (c) =>
      (await c.query(`select datname from pg_database where datname like 'dbctl\\_bench\\_tdb\\_tpl\\_%'`)).rows[0]?.datname);
    if (!template) throw new Error('dbctl testdb create left no template named dbctl_bench_tdb_tpl_*');

    const floor = 'psql: CREATE DATABASE … TEMPLATE';
    const raw = 'dbctl_bench_tdb_raw';
    const rows = await interleave([
      {
        name: floor,
        setup: () => dropDatabase(serverUrl, raw),
        run: () => timeProcess('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `create database ${raw} template ${template}`, serverUrl]),
      },
      { name: 'dbctl testdb create', setup: () => dropClones(serverUrl), run: () => timeProcess(...tools.dbctl(serverUrl, 'testdb', 'create'), { cwd: dir }) },
      onFreshDatabase(serverUrl, `dbctl migrate up (${count} migrations, from empty)`, 'dbctl_bench_tdb_empty', (url) => timeProcess(...tools.dbctl(url, 'migrate', 'up'), { cwd: dir })),
    ], { runs: runs ?? 5, log });
    return {
      groups: [{
        label: `test database (${count} migrations)`,
        floor,
        rows,
        targets: [
          { row: 'dbctl testdb create', max: 1.3, text: 'testdb create ≤ 1.3× CREATE DATABASE … TEMPLATE' },
          { row: 'dbctl testdb create', ref: `dbctl migrate up (${count} migrations, from empty)`, max: 0.1, text: 'testdb create ≥ 10× faster than migrating from empty' },
        ],
      }],
      notes: ['the floor is `psql -c` (a process start of a few ms plus the statement); `testdb create` also checks the template is current (hashes the migration files) and prints the URL'],
    };
  },
};

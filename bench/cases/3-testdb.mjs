import fs from 'node:fs';
import path from 'node:path';
import { missingCommand } from '../lib/available.mjs';
import pg from 'pg';
import { interleave, timeFn, timeProcess } from '../lib/measure.mjs';
import { writeMigrations } from '../lib/generate.mjs';
import { freshDatabase, ident, withAdmin } from '../lib/pg.mjs';
import { DBCTL_ROOT, NODE, tempProject, tools } from '../lib/project.mjs';

const PREFIX = 'dbctl_bench_tdb';

async function dropClones(serverUrl) {
  await withAdmin(serverUrl, async (c) => {
    // Clones made by dbctl (…_test_…), and the harness's own raw clones and empty databases.
    const { rows } = await c.query(`select datname from pg_database where datname like 'dbctl\\_bench\\_tdb\\_%' and not datistemplate`);
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

    // No DROP DATABASE between timed runs: on PostgreSQL 15 every DROP DATABASE forces a
    // checkpoint, and the I/O it leaves behind slows whatever is timed next. Every run creates a
    // database under a new name; the case drops them all at its end (as a test suite would).
    let n = 0;
    const rawName = () => `dbctl_bench_tdb_raw_${n++}`;
    const createRaw = (name) => `create database ${name} template ${template}`;
    const floor = 'psql: CREATE DATABASE … TEMPLATE';
    const rows = await interleave([
      {
        name: floor,
        run: () => timeProcess('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', createRaw(rawName()), serverUrl]),
      },
      {
        name: 'node -e: pg + CREATE DATABASE … TEMPLATE',
        run: () => timeProcess(NODE, ['--input-type=module', '-e', `import pg from 'pg'; const c = new pg.Client(process.env.DATABASE_URL); await c.connect(); await c.query(${JSON.stringify(createRaw(rawName()))}); await c.end();`], { cwd: dir, env: { ...process.env, DATABASE_URL: serverUrl } }),
      },
      { name: 'dbctl testdb create', run: () => timeProcess(...tools.dbctl(serverUrl, 'testdb', 'create'), { cwd: dir }) },
      (() => {
        let url;
        return {
          name: `dbctl migrate up (${count} migrations, from empty)`,
          setup: async () => (url = await freshDatabase(serverUrl, `dbctl_bench_tdb_empty_${n++}`)),
          run: () => timeProcess(...tools.dbctl(url, 'migrate', 'up'), { cwd: dir }),
        };
      })(),
    ], { runs: runs ?? 5, log });
    await dropClones(serverUrl);

    // What a test suite pays per test: dbctl/testing in the test process, against the same
    // statement on a fresh connection from that process. Both connect, clone and disconnect.
    const { createTestDatabase } = await import(path.join(DBCTL_ROOT, 'dist/testing.js'));
    const inFloor = 'pg: connect + CREATE DATABASE … TEMPLATE';
    const inProcess = await interleave([
      {
        name: inFloor,
        run: () => timeFn(async () => {
          const c = new pg.Client(serverUrl);
          await c.connect();
          await c.query(createRaw(rawName()));
          await c.end();
        }),
      },
      {
        name: 'dbctl/testing createTestDatabase({ migrate: true })',
        run: () => timeFn(() => createTestDatabase({ serverUrl, cwd: dir, migrate: true, prefix: PREFIX, log: () => {} })),
      },
    ], { runs: runs ? runs * 3 : 15, log });
    await dropClones(serverUrl);
    return {
      groups: [
        {
          label: `test database, CLI (${count} migrations)`,
          floor,
          rows,
          targets: [
            { row: 'dbctl testdb create', max: 1.3, text: 'testdb create ≤ 1.3× psql -c CREATE DATABASE … TEMPLATE (whole process)' },
            { row: 'dbctl testdb create', ref: `dbctl migrate up (${count} migrations, from empty)`, max: 0.1, text: 'testdb create ≥ 10× faster than migrating from empty' },
          ],
        },
        {
          label: `test database, in the test process (${count} migrations)`,
          floor: inFloor,
          rows: inProcess,
          targets: [{ row: 'dbctl/testing createTestDatabase({ migrate: true })', max: 1.3, text: 'createTestDatabase ≤ 1.3× CREATE DATABASE … TEMPLATE on a new connection' }],
        },
      ],
      notes: [
        'CLI group: the floor is `psql -c` (a C process start of a few ms plus the statement); `node -e` shows what any Node process pays before the same statement (start-up and loading pg). `testdb create` also checks the template is current (hashes the migration files) and prints the URL',
        'in-process group: timed inside the benchmark process, as a test suite calls it (`dbctl/testing`); both variants open a connection, clone, and disconnect; dbctl also resolves the config and hashes the migrations to find the current template',
      ],
    };
  },
};

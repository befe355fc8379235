import fs from 'node:fs';
import path from 'node:path';
import { missingCommand } from '../lib/available.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { dropDatabase, freshDatabase, urlFor, withAdmin } from '../lib/pg.mjs';
import { NODE, DBCTL, tempProject } from '../lib/project.mjs';

const SOURCE = 'dbctl_bench_backup_src';
const TARGET = 'dbctl_bench_backup_dst';

/**
 * Case 9: `dbctl backup` (dump + manifest: counts and content hashes on the dump's snapshot) against
 * `pg_dump -Fc` alone, and `dbctl restore --create` (restore + verify every table) against
 * `createdb` + `pg_restore`, on the same 50,000-row database.
 */
export default {
  id: 9,
  title: 'backup and restore + verify',
  unavailable: () => missingCommand('backup') ?? missingCommand('restore') ?? missingTool('pg_dump') ?? missingTool('pg_restore') ?? missingTool('createdb'),
  async run({ serverUrl, size, runs, log }) {
    const [customers, orders] = size === 'small' ? [1000, 4000] : [10_000, 40_000];
    const dir = tempProject('backup');
    const url = await freshDatabase(serverUrl, SOURCE);
    log(`setting up: customers ${customers} + orders ${orders} rows`);
    await withAdmin(url, async (c) => {
      await c.query(`
        create table customers (id bigint generated always as identity primary key, email text not null unique, name text not null, created_at timestamptz not null default now());
        create table orders (id bigint generated always as identity primary key, customer_id bigint not null references customers, total numeric(12,2) not null, items jsonb not null, placed_at timestamptz not null);
        create index on orders (customer_id);
        create index on orders (placed_at);
        insert into customers (email, name, created_at) select 'c' || g || '@example.com', 'Customer ' || g, timestamptz '2026-01-01' + g * interval '1 minute' from generate_series(1, ${customers}) g;
        insert into orders (customer_id, total, items, placed_at)
          select 1 + g % ${customers}, (g % 1000) / 7.0, jsonb_build_object('sku', 'S' || (g % 97), 'qty', g % 5 + 1), timestamptz '2026-02-01' + g * interval '17 seconds'
          from generate_series(1, ${orders}) g;`);
      await c.query('vacuum analyze');
    });
    const env = { ...process.env, NO_COLOR: '1' };
    const out = (name) => path.join(dir, name);
    const clearOut = (file) => () => {
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}.manifest.json`, { force: true });
    };

    const dumpFloor = 'pg_dump -Fc';
    const backupRows = await interleave([
      { name: dumpFloor, setup: clearOut(out('floor.dump')), run: () => timeProcess('pg_dump', ['--format', 'custom', '--file', out('floor.dump'), '--dbname', url], { cwd: dir, env }) },
      { name: 'dbctl backup', setup: clearOut(out('dbctl.dump')), run: () => timeProcess(NODE, [DBCTL, '--url', url, 'backup', '--out', out('dbctl.dump')], { cwd: dir, env }) },
    ], { runs: runs ?? 5, log });

    // The restores read the last dbctl backup (a dump with its manifest); both start from no database.
    const restoreFloor = 'createdb + pg_restore';
    const target = urlFor(serverUrl, TARGET);
    const noTarget = () => dropDatabase(serverUrl, TARGET);
    const restoreRows = await interleave([
      {
        name: restoreFloor,
        setup: noTarget,
        run: async () => {
          const created = await timeProcess('createdb', ['--maintenance-db', serverUrl, TARGET], { cwd: dir, env });
          const restored = await timeProcess('pg_restore', ['--no-owner', '--exit-on-error', '--single-transaction', '--dbname', target, out('dbctl.dump')], { cwd: dir, env });
          return { ms: created.ms + restored.ms };
        },
      },
      { name: 'dbctl restore --create (+ verify)', setup: noTarget, run: () => timeProcess(NODE, [DBCTL, '--url', serverUrl, 'restore', out('dbctl.dump'), '--create', TARGET], { cwd: dir, env }) },
    ], { runs: runs ?? 5, log });
    await noTarget();

    const rows = customers + orders;
    return {
      groups: [
        { label: `backup of ${rows.toLocaleString('en')} rows`, floor: dumpFloor, rows: backupRows, targets: [{ row: 'dbctl backup', max: 1.5, text: 'backup ≤ 1.5× pg_dump -Fc' }] },
        {
          label: `restore + verify of ${rows.toLocaleString('en')} rows`,
          floor: restoreFloor,
          rows: restoreRows,
          targets: [{ row: 'dbctl restore --create (+ verify)', max: 1.5, text: 'restore + verify ≤ 1.5× createdb + pg_restore' }],
        },
      ],
    };
  },
};

function missingTool(name) {
  try {
    fs.accessSync(findOnPath(name), fs.constants.X_OK);
    return null;
  } catch {
    return `${name} is not on PATH`;
  }
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  return name;
}

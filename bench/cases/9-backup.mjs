import fs from 'node:fs';
import path from 'node:path';
import { missingCommand } from '../lib/available.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { dropDatabase, freshDatabase, urlFor, withAdmin } from '../lib/pg.mjs';
import { NODE, DBCTL, tempProject } from '../lib/project.mjs';

const NODE_BACKUP_FLOOR = 'node + pg floor (pg_dump + hashes on its snapshot)';
const NODE_RESTORE_FLOOR = 'node + pg floor (create, pg_restore, hash, compare)';
// The same without any hashing: what a Node process pays just to take part (start, load pg, connect,
// export the snapshot pg_dump reads; create the database and run pg_restore). Above 1.5× pg_dump,
// it shows that target is below the floor of any Node tool that writes a manifest on the dump's
// snapshot, however cheap its digest.
const NODE_BARE_BACKUP = 'node + pg, no hashing (connect, export snapshot, pg_dump)';
const NODE_BARE_RESTORE = 'node + pg, no verification (create, pg_restore)';
const DBCTL_BACKUP = 'dbctl backup (custom)';
const DBCTL_BACKUP_DIR = 'dbctl backup --format directory';
const DBCTL_BACKUP_JOBS = 'dbctl backup --jobs 2 (directory)';
const DBCTL_RESTORE = 'dbctl restore --create (+ verify), custom dump';
const DBCTL_RESTORE_DIR = 'dbctl restore --create (+ verify), directory dump';
const DBCTL_RESTORE_JOBS = 'dbctl restore --create --jobs 2 (+ verify), directory dump';
const SOURCE = 'dbctl_bench_backup_src';
const TARGET = 'dbctl_bench_backup_dst';

// What any Node tool must pay for the same verified result, written inline so the case is one file:
// start Node, load pg, connect, and hash every table with dbctl's digest query (one session) on the
// snapshot pg_dump reads (backup) or after pg_restore (restore). No config, no checks, no messages.
const HASH_SQL = `
const settings = "set local timezone = 'UTC'; set local datestyle = 'ISO, MDY'; set local intervalstyle = 'postgres'; set local extra_float_digits = 1; set local bytea_output = 'hex'";
const q = (s) => '"' + s.replace(/"/g, '""') + '"';
async function hashAll(c) {
  await c.query(settings);
  const { rows: tables } = await c.query("select n.nspname as s, c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\\\_%' order by 1, 2");
  const out = [];
  for (const { s, t } of tables) {
    const { rows: [r] } = await c.query('select count(*)::text as rows, coalesce(sum(m::bit(64)::bigint), 0)::text as a, coalesce(sum((m << 64)::bit(64)::bigint), 0)::text as b from (select (\\'x\\' || md5(r::text))::bit(128) as m from ' + q(s) + '.' + q(t) + ' r offset 0) h');
    out.push({ schema: s, name: t, rows: Number(r.rows), hash: crypto.createHash('md5').update(r.rows + ':' + r.a + ':' + r.b).digest('hex') });
  }
  return out;
}`;
const BACKUP_FLOOR = `import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
${HASH_SQL}
const [url, file, bare] = process.argv.slice(2);
const c = new pg.Client({ connectionString: url });
await c.connect();
await c.query('begin isolation level repeatable read');
const { rows: [{ id }] } = await c.query('select pg_export_snapshot() as id');
const dump = spawn('pg_dump', ['--format', 'custom', '--file', file, '--snapshot', id, '--dbname', url], { stdio: 'inherit' });
const done = new Promise((resolve, reject) => dump.on('close', (code) => (code === 0 ? resolve() : reject(new Error('pg_dump ' + code)))));
const tables = bare ? [] : await hashAll(c);
await done;
fs.writeFileSync(file + '.manifest.json', JSON.stringify({ tables }));
await c.end();
`;
const RESTORE_FLOOR = `import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
${HASH_SQL}
const [serverUrl, name, file, bare] = process.argv.slice(2);
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query('create database ' + q(name));
await admin.end();
const url = new URL(serverUrl);
url.pathname = '/' + name;
const r = spawnSync('pg_restore', ['--no-owner', '--exit-on-error', '--single-transaction', '--dbname', url.toString(), file], { stdio: 'inherit' });
if (r.status !== 0) process.exit(1);
if (bare) process.exit(0);
const c = new pg.Client({ connectionString: url.toString() });
await c.connect();
await c.query('begin isolation level repeatable read');
const tables = await hashAll(c);
const expected = JSON.parse(fs.readFileSync(file + '.manifest.json', 'utf8')).tables;
if (JSON.stringify(tables) !== JSON.stringify(expected.map(({ schema, name, rows, hash }) => ({ schema, name, rows, hash })))) process.exit(1);
await c.end();
`;

/** Rows per size: customers, orders, and the bytes of text each order carries (large: a database of ≥ 1 GB). */
const SIZES = {
  small: { customers: 1000, orders: 4000, note: 0 },
  default: { customers: 10_000, orders: 40_000, note: 0 },
  large: { customers: 600_000, orders: 2_700_000, note: 192 },
};

/**
 * Case 9: `dbctl backup` (dump + manifest: counts and content hashes on the dump's snapshot) against
 * `pg_dump -Fc` alone, and `dbctl restore --create` (restore + verify every table) against
 * `createdb` + `pg_restore`, on the same database: 50,000 rows by default, over 1 GB with
 * `--size large` (run it alone: a few minutes, one timed run, no warm-up).
 */
export default {
  id: 9,
  title: 'backup and restore + verify',
  unavailable: () => missingCommand('backup') ?? missingCommand('restore') ?? missingTool('pg_dump') ?? missingTool('pg_restore') ?? missingTool('createdb'),
  async run({ serverUrl, size, runs, log }) {
    const { customers, orders, note } = SIZES[size];
    const large = size === 'large';
    // At 1 GB one run of each is minutes already, and a warm-up round would double it.
    const rounds = { runs: runs ?? (large ? 1 : 5), warmup: !large, log };
    const dir = tempProject('backup');
    const url = await freshDatabase(serverUrl, SOURCE);
    log(`setting up: customers ${customers} + orders ${orders} rows`);
    await withAdmin(url, async (c) => {
      await c.query(`
        create table customers (id bigint generated always as identity primary key, email text not null unique, name text not null, created_at timestamptz not null default now());
        create table orders (id bigint generated always as identity primary key, customer_id bigint not null references customers, total numeric(12,2) not null, items jsonb not null, placed_at timestamptz not null, note text);
        create index on orders (customer_id);
        create index on orders (placed_at);
        insert into customers (email, name, created_at) select 'c' || g || '@example.com', 'Customer ' || g, timestamptz '2026-01-01' + g * interval '1 minute' from generate_series(1, ${customers}) g;
        insert into orders (customer_id, total, items, placed_at, note)
          select 1 + g % ${customers}, (g % 1000) / 7.0, jsonb_build_object('sku', 'S' || (g % 97), 'qty', g % 5 + 1), timestamptz '2026-02-01' + g * interval '17 seconds',
            ${note ? `left(repeat(md5(g::text), ${Math.ceil(note / 32)}), ${note})` : 'null'}
          from generate_series(1, ${orders}) g;`);
      await c.query('vacuum analyze');
    });
    const bytes = await withAdmin(url, async (c) => Number((await c.query('select pg_database_size(current_database()) as b')).rows[0].b));
    log(`database: ${(bytes / 2 ** 20).toFixed(0)} MB`);
    const env = { ...process.env, NO_COLOR: '1' };
    fs.writeFileSync(path.join(dir, 'backup-floor.mjs'), BACKUP_FLOOR);
    fs.writeFileSync(path.join(dir, 'restore-floor.mjs'), RESTORE_FLOOR);
    const out = (name) => path.join(dir, name);
    const clearOut = (file) => () => {
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}.manifest.json`, { force: true });
    };

    const dumpFloor = 'pg_dump -Fc';
    // Without a warm-up round, the first variant would read the data cold: one untimed dump first.
    if (large) await timeProcess('pg_dump', ['--format', 'custom', '--file', out('warm.dump'), '--dbname', url], { cwd: dir, env }).then(clearOut(out('warm.dump')));
    const clearDir = (folder) => () => {
      fs.rmSync(folder, { force: true, recursive: true });
      fs.rmSync(`${folder}.manifest.json`, { force: true });
    };
    const dbctlBackup = (name, file, args = []) => ({ name, setup: clearDir(file), run: () => timeProcess(NODE, [DBCTL, '--url', url, 'backup', '--out', file, ...args], { cwd: dir, env }) });
    const backupRows = await interleave([
      { name: dumpFloor, setup: clearOut(out('floor.dump')), run: () => timeProcess('pg_dump', ['--format', 'custom', '--file', out('floor.dump'), '--dbname', url], { cwd: dir, env }) },
      { name: 'pg_dump -Fd', setup: clearDir(out('floor.dir')), run: () => timeProcess('pg_dump', ['--format', 'directory', '--file', out('floor.dir'), '--dbname', url], { cwd: dir, env }) },
      dbctlBackup(DBCTL_BACKUP, out('dbctl.dump')),
      dbctlBackup(DBCTL_BACKUP_DIR, out('dbctl.dumpdir'), ['--format', 'directory']),
      dbctlBackup(DBCTL_BACKUP_JOBS, out('jobs.dumpdir'), ['--jobs', '2']),
      { name: NODE_BACKUP_FLOOR, setup: clearOut(out('node.dump')), run: () => timeProcess(NODE, ['backup-floor.mjs', url, out('node.dump')], { cwd: dir, env }) },
      { name: NODE_BARE_BACKUP, setup: clearOut(out('bare.dump')), run: () => timeProcess(NODE, ['backup-floor.mjs', url, out('bare.dump'), 'bare'], { cwd: dir, env }) },
    ], rounds);

    // The restores read the last dbctl backups (dumps with their manifests); all start from no database.
    const restoreFloor = 'createdb + pg_restore';
    const target = urlFor(serverUrl, TARGET);
    const noTarget = () => dropDatabase(serverUrl, TARGET);
    const dbctlRestore = (name, file, args = []) => ({ name, setup: noTarget, run: () => timeProcess(NODE, [DBCTL, '--url', serverUrl, 'restore', file, '--create', TARGET, ...args], { cwd: dir, env }) });
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
      dbctlRestore(DBCTL_RESTORE, out('dbctl.dump')),
      dbctlRestore(DBCTL_RESTORE_DIR, out('dbctl.dumpdir')),
      dbctlRestore(DBCTL_RESTORE_JOBS, out('jobs.dumpdir'), ['--jobs', '2']),
      { name: NODE_RESTORE_FLOOR, setup: noTarget, run: () => timeProcess(NODE, ['restore-floor.mjs', serverUrl, TARGET, out('dbctl.dump')], { cwd: dir, env }) },
      { name: NODE_BARE_RESTORE, setup: noTarget, run: () => timeProcess(NODE, ['restore-floor.mjs', serverUrl, TARGET, out('dbctl.dump'), 'bare'], { cwd: dir, env }) },
    ], rounds);
    await noTarget();
    fs.rmSync(dir, { recursive: true, force: true });

    const rows = customers + orders;
    const what = `${rows.toLocaleString('en')} rows${large ? `, ${(bytes / 2 ** 30).toFixed(2)} GB` : ''}`;
    const [backupMax, restoreMax] = large ? [1.15, 1.25] : [1.5, 1.5];
    return {
      groups: [
        {
          label: `backup of ${what}`,
          floor: dumpFloor,
          rows: backupRows,
          targets: [
            { row: DBCTL_BACKUP_DIR, max: backupMax, text: `backup (directory: rows hashed as pg_dump writes them) ≤ ${backupMax}× pg_dump -Fc` },
            { row: DBCTL_BACKUP_JOBS, max: 1, text: 'backup --jobs 2 faster than pg_dump -Fc (information: 2 cores)' },
            { row: DBCTL_BACKUP, max: backupMax, text: `backup (custom: the server hashes on pg_dump's snapshot) ≤ ${backupMax}× pg_dump -Fc (information)` },
            { row: DBCTL_BACKUP, ref: NODE_BACKUP_FLOOR, max: 1.25, text: 'backup (custom) ≤ 1.25× the node + pg floor (information)' },
            { row: NODE_BARE_BACKUP, max: 1.5, text: 'a Node process that hashes nothing ≤ 1.5× pg_dump -Fc (if not, 1.5× is below any Node tool\'s floor)' },
          ],
        },
        {
          label: `restore + verify of ${what}`,
          floor: restoreFloor,
          rows: restoreRows,
          targets: [
            { row: DBCTL_RESTORE, max: restoreMax, text: `restore + verify (custom dump) ≤ ${restoreMax}× createdb + pg_restore` },
            { row: DBCTL_RESTORE_DIR, max: restoreMax, text: `restore + verify (directory dump) ≤ ${restoreMax}× createdb + pg_restore` },
            { row: DBCTL_RESTORE, ref: NODE_RESTORE_FLOOR, max: 1.25, text: 'restore + verify ≤ 1.25× the node + pg floor (information)' },
            { row: NODE_BARE_RESTORE, max: 1.5, text: 'a Node process that verifies nothing ≤ 1.5× createdb + pg_restore (information)' },
          ],
        },
      ],
      notes: [
        `the node + pg floors do what any Node tool must for the same verified result: start Node, load pg, connect, and hash every table with dbctl's digest query (one session) on the snapshot pg_dump reads, or after pg_restore; they read no config and check nothing. Between pg_dump and them lies Node's own start-up and the hashing; between them and dbctl, dbctl's overhead`,
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

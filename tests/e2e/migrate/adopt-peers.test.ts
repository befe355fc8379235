import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PeerAdoption } from '../../../src/migrate/adopt-peers.js';
import { openDatabase } from '../../../src/driver/database.js';
import { backends } from '../../helpers/backends.js';
import { diagnostics, ROOT, runCli, tempProject } from '../../helpers/cli.js';
import { migrationProject, sqlMigration } from '../../migrate/helpers.js';

/**
 * A database another tool migrated (issue 26): its bookkeeping table is made here by hand, as the
 * tool makes it, with rows for the files it applied. The tables those files create exist already, so
 * running any of them again would fail with "relation already exists".
 */
const FILES = {
  '20240101120000_create_users.sql': sqlMigration('create table users (id int primary key);', 'drop table users;'),
  '20240102120000_create_posts.sql': sqlMigration('create table posts (id int primary key);', 'drop table posts;'),
  '20240103120000_create_tags.sql': sqlMigration('create table tags (id int primary key);', 'drop table tags;'),
};
const DBMATE = `create table users (id int primary key); create table posts (id int primary key);
  create table schema_migrations (version varchar(128) primary key);
  insert into schema_migrations (version) values ('20240101120000'), ('20240102120000'), ('20231231000000')`;

const NODE_PG_MIGRATE_FILES = {
  '1704110400000_create-users.sql': sqlMigration('create table users (id int primary key);'),
  '1704196800000_create-posts.sql': sqlMigration('create table posts (id int primary key);'),
};
const NODE_PG_MIGRATE = `create table users (id int primary key);
  create table pgmigrations (id serial primary key, name varchar(255) not null, run_on timestamp not null);
  insert into pgmigrations (name, run_on) values ('1704110400000_create-users', '2024-01-01 12:00:00'), ('1704000000000_gone', '2023-12-31 00:00:00')`;

describe.each(backends)('adopting another tool\'s bookkeeping on $name', (backend) => {
  it('dbmate\'s schema_migrations: status shows the matches applied, up adopts them and applies only the rest', async () => {
    const p = await migrationProject(backend, FILES);
    await p.database.query(DBMATE);
    const status = await p.migrator.status();
    expect(status.migrations.map((m) => [m.name, m.state])).toEqual([
      ['20240101120000_create_users', 'applied'],
      ['20240102120000_create_posts', 'applied'],
      ['20240103120000_create_tags', 'pending'],
    ]);
    expect(status.adoptions).toEqual<PeerAdoption[]>([{
      tool: 'dbmate',
      table: 'public.schema_migrations',
      adopted: [
        { name: '20240101120000_create_users', version: '20240101120000', appliedAt: null },
        { name: '20240102120000_create_posts', version: '20240102120000', appliedAt: null },
      ],
      unmatched: ['20231231000000'],
    }]);
    const report = await p.migrator.up();
    expect(report.results.map((r) => [r.name, r.status])).toEqual([['20240103120000_create_tags', 'success']]);
    expect(p.events.filter((e) => e.type === 'adopted-peer')).toHaveLength(1);
    expect(p.events.some((e) => e.type === 'adopted')).toBe(false); // not adopted a second time as Kysely's
    const history = await p.query(`select name, applied_by, checksum from public.dbctl_migration order by name`);
    expect(history.map((h) => [h.name, h.applied_by])).toEqual([
      ['20240101120000_create_users', 'adopted from dbmate'],
      ['20240102120000_create_posts', 'adopted from dbmate'],
      ['20240103120000_create_tags', expect.not.stringContaining('adopted')],
    ]);
    expect(history.every((h) => /^[0-9a-f]{64}$/.test(h.checksum))).toBe(true);
    // From now on dbctl's own bookkeeping rules: no adoption again, checksums verified, downs work.
    const after = await p.migrator.verify();
    expect(after.summary).toMatchObject({ applied: 3, pending: 0 });
    expect(after.adoptions).toBeUndefined();
    expect((await p.migrator.down()).results.map((r) => r.name)).toEqual(['20240103120000_create_tags']);
  });

  it('node-pg-migrate\'s pgmigrations: matched by name, applied at run_on', async () => {
    const p = await migrationProject(backend, NODE_PG_MIGRATE_FILES);
    await p.database.query(NODE_PG_MIGRATE);
    const report = await p.migrator.up();
    expect(report.results.map((r) => r.name)).toEqual(['1704196800000_create-posts']);
    const [event] = p.events.filter((e) => e.type === 'adopted-peer') as Array<{ adoption: PeerAdoption }>;
    expect(event.adoption).toMatchObject({ tool: 'node-pg-migrate', table: 'public.pgmigrations', unmatched: ['1704000000000_gone'] });
    expect(event.adoption.adopted.map((m) => m.name)).toEqual(['1704110400000_create-users']);
    const [row] = await p.query(`select timestamp from public.kysely_migration where name = '1704110400000_create-users'`);
    expect(row.timestamp).toMatch(/^2024-01-01T/);
  });

  it('golang-migrate\'s schema_migrations (version, dirty: the last version only) is not taken for dbmate\'s', async () => {
    const p = await migrationProject(backend, FILES);
    await p.database.query(`create table schema_migrations (version bigint not null primary key, dirty boolean not null);
      insert into schema_migrations values (20240101120000, false)`);
    const status = await p.migrator.status();
    expect(status.adoptions).toBeUndefined();
    expect(status.summary).toMatchObject({ applied: 0, pending: 3 });
  });
});

it('the CLI shows each adoption and the unmatched versions (status, then up applying only the rest)', async () => {
  const cwd = tempProject(Object.fromEntries(Object.entries(FILES).map(([k, v]) => [`migrations/${k}`, v])));
  // The project's embedded database (the CLI's default), migrated by dbmate.
  const database = await openDatabase({ url: `pglite://${cwd}/.dbctl/pglite`, cwd });
  await database.query(DBMATE);
  await database.close();
  const status = await runCli(['migrate', 'status'], { cwd });
  expect(status.code).toBe(0);
  expect(status.stderr).toContain('2 migration(s) applied by dbmate (public.schema_migrations), shown as applied: the next `dbctl migrate up` adopts them');
  expect(status.stderr).toContain('  20240101120000_create_users (dbmate version 20240101120000)');
  expect(status.stderr).toContain('1 version(s) in public.schema_migrations match no migration file, left as they are: 20231231000000');
  const up = await runCli(['migrate', 'up'], { cwd });
  expect(up.code).toBe(0);
  expect(up.stderr).toContain('adopted 2 migration(s) applied by dbmate (public.schema_migrations): marked applied, checksums recorded');
  expect(up.stdout).toMatch(/applied +20240103120000_create_tags/);
  expect(up.stdout).toContain('applied 1 migration(s)');
  // The "Coming from dbmate" example (docs/coming-from.md) is this run's output (timings aside).
  const readme = fs.readFileSync(path.join(ROOT, 'docs/coming-from.md'), 'utf8');
  const example = /# Coming from dbmate[\s\S]*?```console\n([\s\S]*?)```/.exec(readme)![1];
  const shown = diagnostics(status.stderr) + diagnostics(up.stderr) + up.stdout.replace(/ \(\d+ ms\)/g, '');
  const lines = example.split('\n').filter((l) => l && !l.startsWith('$ ') && l !== '…');
  expect(lines.length).toBeGreaterThan(5);
  expect(lines.filter((l) => !shown.includes(l))).toEqual([]);
});

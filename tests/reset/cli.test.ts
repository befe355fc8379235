import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import { backends } from '../helpers/backends.js';
import { runCli, tempProject } from '../helpers/cli.js';
import { counts, fill, PROJECT, withOpen } from './schema.js';

describe.each(backends)('dbctl reset on $name', (backend) => {
  let t: TestDatabase;
  let cwd: string;
  const withDb = <T>(fn: (db: Kysely<any>) => Promise<T>) => withOpen(t.url, fn);

  beforeAll(async () => {
    t = await createTestDatabase({ serverUrl: backend.serverUrl });
    cwd = tempProject({
      ...PROJECT,
      'seeds/common/01_camel.sql': `insert into "CamelCase" (label) values ('seeded');`,
      'dbctl.config.json': JSON.stringify({ url: t.url }),
    });
    expect((await runCli(['migrate', 'up'], { cwd })).code).toBe(0);
  });
  afterAll(async () => t?.drop());

  it('reports what it emptied (human), keeping --keep tables', async () => {
    await withDb(fill);
    const r = await runCli(['reset', '--keep', 'CamelCase', 'Weird "Name"', 'users'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('truncated 0 table(s) in public: (none)\nkept: CamelCase, Weird "Name", dbctl_migration, kysely_migration, kysely_migration_lock, users\n');
    const all = await runCli(['reset'], { cwd });
    expect(all.stdout).toBe('truncated 3 table(s) in public (identities restarted): CamelCase, Weird "Name", users\nkept: dbctl_migration, kysely_migration, kysely_migration_lock\n');
    expect(all.stderr).toBe('warning: also emptied through foreign keys (CASCADE): audit.log\n');
    expect(await withDb(counts)).toEqual({ users: 0, weird: 0, camel: 0, notes: 2, log: 0, migrations: 1, history: 1 });
  });

  it('--json lists the tables, --seed seeds again, identities start over', async () => {
    await withDb(fill);
    const r = await runCli(['--json', 'reset', '--seed'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc).toMatchObject({ ok: true, schemas: ['public'], dryRun: false, cascaded: [{ schema: 'audit', table: 'log' }] });
    expect(doc.truncated.map((x: { table: string }) => x.table)).toEqual(['CamelCase', 'Weird "Name"', 'users']);
    expect(doc.seeded).toMatchObject({ seeds: [{ name: 'common/01_camel' }], totals: { CamelCase: { inserted: 1 } } });
    const rows = await withDb(async (db) => db.selectFrom('CamelCase').selectAll().execute());
    expect(rows).toEqual([{ id: '1', label: 'seeded' }]);
  });

  it('refuses an unknown --keep (exit 2) and a dry run changes nothing', async () => {
    const bad = await runCli(['reset', '--keep', 'nope'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: --keep nope: no such table in schema(s) public');
    const dry = await runCli(['reset', '--dry-run'], { cwd });
    expect(dry.stdout).toMatch(/^would truncate 3 table\(s\)/);
    expect(await withDb(counts)).toMatchObject({ camel: 1 });
  });
});

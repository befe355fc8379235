import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { isDbctlError } from '../../src/errors.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { resetConfig, resetDatabase } from '../../src/reset/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import { backends } from '../helpers/backends.js';
import { tempProject } from '../helpers/cli.js';
import { counts, fill, PROJECT } from './schema.js';

const names = (tables: { schema: string; table: string }[]) => tables.map((t) => `${t.schema}.${t.table}`);

describe.each(backends)('resetDatabase on $name', (backend) => {
  // One database for the file: every test refills it, so they share the ~1 s open.
  let t: TestDatabase;
  let database: Database;
  let config: ResolvedConfig;
  const configWith = (file: object) => resolveConfig({ cwd: tempProject({ ...PROJECT, 'dbctl.config.json': JSON.stringify(file) }), url: t.url, environ: {} });

  beforeAll(async () => {
    t = await createTestDatabase({ serverUrl: backend.serverUrl });
    config = await configWith({});
    database = await openDatabase({ url: t.url });
    await new Migrator({ database, ...migratorConfig(config) }).up();
  });
  afterAll(async () => {
    await database?.close();
    await t?.drop();
  });
  beforeEach(async () => {
    await sql`truncate users, "Weird ""Name""", "CamelCase", extra.notes, audit.log restart identity`.execute(await database.kysely());
    await fill(await database.kysely());
  });

  it('empties the managed schema in one statement, keeping tables, migration history and other schemas', async () => {
    const statements: string[] = [];
    const off = database.onQuery((e) => statements.push(e.query.sql));
    const report = await resetDatabase({ database, ...resetConfig(config) });
    off();
    expect(names(report.truncated)).toEqual(['public.CamelCase', 'public.Weird "Name"', 'public.users']);
    expect(names(report.kept)).toEqual(['public.dbctl_migration', 'public.kysely_migration', 'public.kysely_migration_lock']);
    // audit.log references users: it is emptied too (named, not by CASCADE), and the report says so.
    expect(names(report.cascaded)).toEqual(['audit.log']);
    expect(statements.filter((s) => /truncate/i.test(s))).toEqual(['truncate table "public"."CamelCase", "public"."Weird ""Name""", "public"."users", "audit"."log" restart identity']);
    expect(await counts(await database.kysely())).toEqual({ users: 0, weird: 0, camel: 0, notes: 2, log: 0, migrations: 1, history: 1 });
    expect((await new Migrator({ database, ...migratorConfig(config) }).status()).summary).toMatchObject({ applied: 1, pending: 0 });
  });

  it('restarts identities (identity, serial and bigserial)', async () => {
    await resetDatabase({ database, ...resetConfig(config) });
    await fill(await database.kysely());
    const ids = await sql<{ u: number; w: number; c: string }>`select (select max(id) from users) as u, (select max(id) from "Weird ""Name""") as w, (select max(id) from "CamelCase") as c`.execute(await database.kysely());
    expect(ids.rows[0]).toEqual({ u: 2, w: 2, c: '2' });
  });

  it('--keep leaves named tables (plain, quoted, qualified) as they are', async () => {
    const report = await resetDatabase({ database, ...resetConfig(config), keep: ['CamelCase', 'public.users'] });
    expect(names(report.truncated)).toEqual(['public.Weird "Name"']);
    expect(await counts(await database.kysely())).toMatchObject({ users: 2, weird: 0, camel: 2, log: 2 });
    await fill(await database.kysely());
    const again = await resetDatabase({ database, ...resetConfig(config), keep: ['Weird "Name"', 'users'] });
    expect(names(again.truncated)).toEqual(['public.CamelCase']);
  });

  it('refuses a --keep that does not exist, or that CASCADE would empty anyway', async () => {
    const refused = async (keep: string[]) => {
      const error = await resetDatabase({ database, ...resetConfig(config), keep }).catch((e) => e);
      expect(isDbctlError(error) && error.exitCode).toBe(2);
      return error.message as string;
    };
    expect(await refused(['nope'])).toMatch(/--keep nope: no such table/);
    expect(await refused(['Weird "Name"'])).toMatch(/cannot keep public\.Weird "Name": it references public\.users/);
    expect(await counts(await database.kysely())).toMatchObject({ users: 2, weird: 2, camel: 2 });
  });

  it('empties extra schemas from reset.schemas and always keeps reset.keep', async () => {
    const extra = await configWith({ reset: { schemas: ['extra', 'audit'], keep: ['CamelCase', 'not_created_yet'] } });
    const report = await resetDatabase({ database, ...resetConfig(extra) });
    expect(report.schemas).toEqual(['public', 'extra', 'audit']);
    expect(names(report.truncated)).toEqual(['audit.log', 'extra.notes', 'public.Weird "Name"', 'public.users']);
    expect(report.cascaded).toEqual([]);
    expect(await counts(await database.kysely())).toMatchObject({ users: 0, weird: 0, camel: 2, notes: 0, log: 0, migrations: 1 });
  });

  it('a dry run reports and changes nothing', async () => {
    const report = await resetDatabase({ database, ...resetConfig(config), dryRun: true });
    expect(report.truncated).toHaveLength(3);
    expect(await counts(await database.kysely())).toMatchObject({ users: 2, weird: 2, camel: 2 });
  });
});

import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { backends } from '../helpers/backends.js';
import { writeFiles } from '../helpers/cli.js';
import { migrationProject, sqlMigration } from './helpers.js';

const dropsPublic = sqlMigration('create table a (id int);', 'DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;');

describe.each(backends)('a migration that drops the schema holding the bookkeeping, on $name', (backend) => {
  it('is named in the error, with migrations.schema as the way out; the down is rolled back', async () => {
    const p = await migrationProject(backend, { '001_a.sql': dropsPublic });
    await p.migrator.up();
    const error = await p.migrator.down().catch((e) => e);
    expect(error.exitCode).toBe(ExitCode.failed);
    expect(error.message).toBe(
      'migration 001_a failed (SQLSTATE 42P01): its down dropped dbctl\'s bookkeeping table public.kysely_migration (DROP SCHEMA … CASCADE?), so it could not be recorded; it was rolled back',
    );
    expect(error.hint).toBe('keep dbctl\'s tables in a schema your migrations do not drop: set migrations.schema in the config (it is "public" now)');
    expect(await p.query(`select to_regclass('public.a') is not null as a`)).toEqual([{ a: true }]);
    expect((await p.migrator.status()).summary.applied).toBe(1);
  });

  it('works with the bookkeeping in its own schema', async () => {
    const p = await migrationProject(backend, { '001_a.sql': dropsPublic });
    writeFiles(p.cwd, { 'dbctl.config.json': JSON.stringify({ migrations: { schema: 'dbctl_meta' } }) });
    await p.reload();
    await p.migrator.up();
    await p.migrator.down();
    expect(await p.query(`select to_regclass('public.a') as a, (select count(*)::int from dbctl_meta.kysely_migration) as n`)).toEqual([{ a: null, n: 0 }]);
  });
});

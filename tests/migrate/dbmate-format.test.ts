import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { backends } from '../helpers/backends.js';
import { createTable, migrationProject, tsMigration } from './helpers.js';

const names = (rows: { name: string }[]) => rows.map((r) => r.name);
const exists = async (p: { query(t: string): Promise<any[]> }, rel: string) => (await p.query(`select to_regclass('${rel}') is not null as e`))[0].e;

describe.each(backends)('dbmate\'s SQL format on $name', (backend) => {
  it('an empty or comment-only down reverts as a no-op; "irreversible" and a TS migration without down are refused', async () => {
    const p = await migrationProject(backend, {
      '001_a.sql': '-- migrate:up\ncreate table a (id int);\n-- migrate:down\n',
      '002_b.sql': '-- migrate:up\ncreate table b (id int);\n-- migrate:down\n-- the table stays: other systems read it\n',
    });
    await p.migrator.up();
    expect(names((await p.migrator.down({ all: true })).results)).toEqual(['002_b', '001_a']);
    expect((await p.migrator.status()).summary).toMatchObject({ applied: 0, pending: 2 });
    expect(await exists(p, 'public.b')).toBe(true);

    p.write({
      '003_c.sql': '-- migrate:up\ncreate table c (id int);\n-- migrate:down irreversible\n',
      '004_d.ts': tsMigration(`await sql\`create table d (id int)\`.execute(db);`),
    });
    await p.query('drop table a; drop table b');
    await p.migrator.up();
    for (const step of [1, 2]) {
      const error = await p.migrator.down({ step }).catch((e) => e);
      expect(error).toMatchObject({ exitCode: ExitCode.refused, code: 'no_down' });
    }
    const error = await p.migrator.down({ to: '002_b' }).catch((e) => e);
    expect(error.message).toBe('cannot revert 004_d, 003_c: no down migration');
    expect((await p.migrator.status()).summary.applied).toBe(4);
  });

  it('refuses SQL before "-- migrate:up" before anything runs (exit 2, file:line)', async () => {
    const p = await migrationProject(backend, {
      '001_a.sql': createTable('a'),
      '002_pre.sql': "-- enum first\ncreate type mood as enum ('ok');\n-- migrate:up\ncreate table m (x mood);\n",
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toMatch(/^002_pre\.sql:2: SQL before "-- migrate:up"/);
    expect(await exists(p, 'public.a')).toBe(false);
  });

  it('accepts a UTF-8 BOM and CRLF line endings', async () => {
    const p = await migrationProject(backend, {
      '001_bom.sql': '\uFEFF-- migrate:up\r\ncreate table bom (id int);\r\n-- migrate:down\r\ndrop table bom;\r\n',
    });
    await p.migrator.up();
    expect(await exists(p, 'public.bom')).toBe(true);
    await p.migrator.down();
    expect(await exists(p, 'public.bom')).toBe(false);
  });

  it('runs transaction:false on both sections, statement by statement', async () => {
    const p = await migrationProject(backend, {
      '001_t.sql': createTable('t'),
      '002_idx.sql': [
        '-- migrate:up transaction:false',
        'create index concurrently t_id on t (id);',
        "comment on index t_id is E'it\\'s; concurrent';",
        '-- migrate:down transaction:false',
        'drop index concurrently t_id;',
      ].join('\n'),
    });
    await p.migrator.up();
    expect(await p.query(`select obj_description('t_id'::regclass) as c`)).toEqual([{ c: "it's; concurrent" }]);
    await p.migrator.down();
    expect(await exists(p, 'public.t_id')).toBe(false);
  });

  it('names file:line of a psql meta-command before anything runs (exit 2)', async () => {
    const p = await migrationProject(backend, {
      '001_a.sql': createTable('a'),
      '002_meta.sql': '-- migrate:up\ncreate table m (id int);\n\\connect other\ncreate table n (id int);\n',
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toMatch(/^002_meta\.sql:3:1: psql meta-command \\connect is not SQL/);
    expect(await exists(p, 'public.a')).toBe(false);
  });
});

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createDatabaseError } from '../../src/sql/create-database-error.js';
import { backends } from '../helpers/backends.js';
import { testdbProject } from '../testdb/helpers.js';

describe('CREATE DATABASE failures become one clear line', () => {
  it('maps template in use (55006) and disk full (53100), and leaves others alone', () => {
    const inUse = createDatabaseError({ code: '55006' }, 'dbctl_test_x', 'dbctl_tpl_y', 'ci', ['pid 42 (psql)']);
    expect(inUse).toMatchObject({ code: 'template_in_use', exitCode: 5, message: 'cannot clone "dbctl_tpl_y": the template is in use by pid 42 (psql)' });
    const full = createDatabaseError({ code: '53100' }, 'dbctl_test_x', 'dbctl_tpl_y', 'ci');
    expect(full).toMatchObject({ code: 'disk_full', message: `cannot create test database "dbctl_test_x": the server's disk is full (SQLSTATE 53100)` });
    expect(full?.hint).toContain('testdb prune');
    expect(createDatabaseError({ code: '42P04' }, 'a', undefined, 'ci')).toBeUndefined();
  });
});

const native = backends.find((b) => b.name === 'pg');
describe.skipIf(!native)('testdb with a role lacking CREATEDB (native server)', () => {
  it('refuses with exit 5 and says which privilege is missing', async () => {
    const role = `h6_nocreatedb_${process.pid}`;
    const admin = new pg.Client({ connectionString: native!.serverUrl });
    await admin.connect();
    try {
      await admin.query(`drop role if exists ${role}`);
      await admin.query(`create role ${role} login nocreatedb`);
      const url = new URL(native!.serverUrl!);
      url.username = role;
      url.password = '';
      const p = testdbProject({ name: 'pg', serverUrl: url.toString() });
      const r = await p.run(['testdb', 'create', '--json']);
      expect(r.code, r.stderr).toBe(5);
      expect(r.json().error).toMatchObject({ code: 'no_createdb' });
      expect(r.stderr).toContain(`role "${role}" has no CREATEDB privilege`);
    } finally {
      await admin.query(`drop role if exists ${role}`).catch(() => {});
      await admin.end();
    }
  });
});

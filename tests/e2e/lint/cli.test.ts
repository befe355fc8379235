import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/driver/database.js';
import { freshDatabase } from '../../helpers/backends.js';
import { runCli, tempProject } from '../../helpers/cli.js';
import { sqlMigration } from '../../migrate/helpers.js';

const unsafe = {
  'migrations/001_users.sql': sqlMigration('create table users (id bigint primary key, email text);', 'drop table users;'),
  // users exists before this migration runs: a plain CREATE INDEX blocks its writes.
  'migrations/002_email_idx.sql': '-- migrate:up\ncreate index users_email_idx on users (email);\n\n-- migrate:down transaction:false\ndrop index concurrently if exists users_email_idx;\n',
};

describe('dbctl migrate lint / up --lint / test (spawned)', () => {
  it.runIf(process.env.TEST_DATABASE_URL)('migrate lint --json on a server: the findings, exit 4', async () => {
    const target = await freshDatabase({ name: 'pg', serverUrl: process.env.TEST_DATABASE_URL });
    const result = await runCli(['migrate', 'lint', '--json', '--url', target.url], { cwd: tempProject(unsafe) });
    expect(result.code).toBe(4);
    const json = result.json();
    expect(json).toMatchObject({ ok: false, summary: { migrations: 2, errors: 1 }, error: { code: 'lint_failed' } });
    expect(json.findings).toEqual([expect.objectContaining({ rule: 'require-concurrent-index-creation', level: 'error', file: 'migrations/002_email_idx.sql', line: 2, col: 1 })]);
  });

  it('migrate up --lint (embedded) refuses before applying anything', async () => {
    const cwd = tempProject(unsafe);
    const result = await runCli(['migrate', 'up', '--lint'], { cwd });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('migrations/002_email_idx.sql:2:1 error require-concurrent-index-creation');
    expect(result.stdout).toContain('linted 2 migration(s): 1 error(s), 0 warnings');
    expect(result.stderr).toContain('lint: 1 error(s), 0 warning(s); nothing was applied');
    const database = await openDatabase({ url: 'pglite://.dbctl/pglite', cwd });
    try {
      expect((await database.query(`select to_regclass('public.users') as t`)).rows).toEqual([{ t: null }]);
    } finally {
      await database.close();
    }
  });

  // On the server when there is one (fast); the embedded path is what .ci/run runs on the example.
  it('migrate test names the down that leaves an index behind, exit 4', async () => {
    const cwd = tempProject({ ...unsafe, 'migrations/002_email_idx.sql': sqlMigration('create index users_email_idx on users (email);', '-- (forgot the index)') });
    const url = process.env.TEST_DATABASE_URL ? (await freshDatabase({ name: 'pg', serverUrl: process.env.TEST_DATABASE_URL })).url : undefined;
    const result = await runCli(['migrate', 'test', ...(url ? ['--url', url] : [])], { cwd });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('✓ 001_users\n✗ 002_email_idx: the schema after down differs from before up\n');
    expect(result.stdout).toContain('+ index users_email_idx on public.users: CREATE INDEX users_email_idx ON public.users USING btree (email)');
    expect(result.stderr).toContain('migrate test: 002_email_idx does not round-trip');
  });
});

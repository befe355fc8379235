import net from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { connectionErrorFor } from '../../../src/driver/pg/connect-error.js';
import { lockDataDir } from '../../../src/driver/pglite/dir-lock.js';
import { parseTarget } from '../../../src/driver/target.js';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { runCli, tempProject } from '../../helpers/cli.js';
import { migration } from '../../testdb/helpers.js';

/** A port nothing listens on: bind an ephemeral one, then let it go. */
async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(backends)('dbctl db wait on $name', (backend) => {
  it('returns once the database accepts connections; --migrated waits for pending migrations', async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({ 'migrations/001_a.sql': migration('create table a (id int);') });
    const env = { DATABASE_URL: t.url };

    const ready = await runCli(['db', 'wait', '--json'], { cwd, env });
    expect(ready.code, ready.stderr).toBe(0);
    expect(ready.json()).toMatchObject({ ok: true, attempts: 1 });

    const pending = await runArgv(['db', 'wait', '--migrated', '--timeout', '300ms', '--json'], { cwd, env });
    expect(pending.code).toBe(3);
    expect(pending.json().error).toMatchObject({ code: 'wait_timeout', reason: 'migrations are pending' });

    expect((await runArgv(['migrate', 'up'], { cwd, env })).code).toBe(0);
    expect((await runArgv(['db', 'wait', '--migrated', '--timeout', '10s'], { cwd, env })).code).toBe(0);
  });

  it('exits 3 when the database never becomes available within --timeout', async () => {
    const cwd = tempProject();
    if (backend.name === 'pg') {
      const url = `postgres://postgres@127.0.0.1:${await unusedPort()}/postgres`;
      const r = await runArgv(['db', 'wait', '--timeout', '1s'], { cwd, env: { DATABASE_URL: url } });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/timed out after 1\.0 s waiting for 127\.0\.0\.1:\d+\/postgres: .*ECONNREFUSED/);
      return;
    }
    // Embedded: the directory stays held by another process (this one) for the whole wait.
    const t = await freshDatabase(backend);
    const release = lockDataDir((parseTarget(t.url, cwd) as { dataDir: string }).dataDir);
    try {
      const r = await runCli(['db', 'wait', '--timeout', '1s'], { cwd, env: { DATABASE_URL: t.url } });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/timed out after 1\.0 s waiting for embedded PGlite at .*: .*in use by another process/);
    } finally {
      release();
    }
  });
});

/**
 * What `db wait` gives up on at once and what it waits out (issue 29, item 15). A failure that no
 * amount of waiting changes (the TLS the URL asks for, a TLS file it names, a role that cannot log in)
 * ends the wait at once: with `--timeout 10m` a retry would hang the test, and no `waiting:` line is
 * printed. What an init script or a starting server fixes later (a database not created yet) is
 * waited out until the timeout.
 */
const native = backends.find((b) => b.name === 'pg');
describe.runIf(native)('dbctl db wait gives up at once on what waiting cannot fix (server)', () => {
  async function serverSsl(url: string): Promise<string> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ ssl: string }>('show ssl')).rows[0].ssl;
    } finally {
      await client.end();
    }
  }

  function withQuery(url: string, query: string, change: (u: URL) => void = () => {}): string {
    const u = new URL(url);
    change(u);
    u.search = query;
    return u.toString();
  }

  const cases: Array<{ name: string; url: (base: string) => string; code: string; message: RegExp; needsNoSsl?: boolean }> = [
    { name: 'sslmode=require against a server without TLS', url: (b) => withQuery(b, 'sslmode=require'), code: 'tls', message: /^error: TLS to .* failed: The server does not support SSL connections$/m, needsNoSsl: true },
    { name: 'an sslrootcert file that does not exist', url: (b) => withQuery(b, 'sslmode=verify-full&sslrootcert=/nonexistent/dbctl-ca.pem'), code: 'tls', message: /^error: cannot read \/nonexistent\/dbctl-ca\.pem, named in the URL of /m },
    { name: 'a role that does not exist', url: (b) => withQuery(b, '', (u) => void (u.username = 'dbctl_no_such_role')), code: 'auth_failed', message: /^error: authentication failed for user "dbctl_no_such_role" at /m },
  ];

  it.for(cases)('$name: exit 3 at once, one error line, no retry', async ({ url, code, message, needsNoSsl }, { skip }) => {
    const t = await freshDatabase(native!);
    if (needsNoSsl && (await serverSsl(t.url)) === 'on') skip('TEST_DATABASE_URL\'s server speaks TLS: this case needs one that does not');
    const cwd = tempProject();
    const env = { DATABASE_URL: url(t.url) };
    const human = await runArgv(['db', 'wait', '--timeout', '10m'], { cwd, env });
    expect(human.code, human.stderr).toBe(3);
    expect(human.stderr).not.toMatch(/waiting:/);
    expect(human.stderr.split('\n').filter((l) => l.startsWith('error:')), human.stderr).toHaveLength(1);
    expect(human.stderr).toMatch(message);
    const json = await runArgv(['db', 'wait', '--timeout', '10m', '--json'], { cwd, env });
    expect(json.code).toBe(3);
    expect(json.json().error.code).toBe(code);
  });

  it('a database not created yet is waited out until --timeout', async () => {
    const t = await freshDatabase(native!);
    const cwd = tempProject();
    const r = await runArgv(['db', 'wait', '--timeout', '300ms', '--json'], { cwd, env: { DATABASE_URL: withQuery(t.url, '', (u) => void (u.pathname = '/dbctl_not_created_yet')) } });
    expect(r.code).toBe(3);
    expect(r.json().error).toMatchObject({ code: 'wait_timeout', reason: expect.stringMatching(/database "dbctl_not_created_yet" does not exist/) });
  });
});

describe('a password the server asks for and the URL lacks', () => {
  // node-postgres fails its own SCRAM step before the server can say 28P01 (no local server asks for
  // a password, so this is the error pg throws, mapped): an authentication failure, final for `db wait`.
  it('is an authentication failure, not a retryable "cannot connect"', () => {
    const target = parseTarget('postgres://app@db.example:5432/app', process.cwd());
    if (target.kind !== 'pg') throw new Error('a server URL parses to a server target');
    const mapped = connectionErrorFor(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), target, 0);
    expect(mapped).toMatchObject({ code: 'auth_failed', message: 'authentication failed for user "app" at db.example:5432/app: the server asks for a password and the URL gives none' });
  });
});

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/driver/dir-lock.js';
import { parseTarget } from '../../src/driver/url.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { runArgv } from '../helpers/argv.js';
import { runCli, tempProject } from '../helpers/cli.js';
import { migration } from '../testdb/helpers.js';

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
    const release = lockDataDir(parseTarget(t.url, cwd).dataDir as string);
    try {
      const r = await runCli(['db', 'wait', '--timeout', '1s'], { cwd, env: { DATABASE_URL: t.url } });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/timed out after 1\.0 s waiting for embedded PGlite at .*: .*in use by another process/);
    } finally {
      release();
    }
  });
});

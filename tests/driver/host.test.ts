import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHostBeside, type Host } from '../../src/driver/host.js';
import { openDatabase } from '../../src/driver/database.js';
import { openDatabaseFor } from '../../src/driver/open-for.js';
import { parseTarget } from '../../src/driver/target.js';
import { cloneName } from '../../src/database/names.js';
import { backends } from '../helpers/backends.js';

/** One Host interface, the same steps on both backends: what testdb, db create/drop and restore --create build on. */
describe.each(backends)('Host ($name)', (backend) => {
  const hosts: Host[] = [];
  const names: string[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) {
      for (const name of names) await host.drop(name, { force: true, template: true }).catch(() => {});
      await host.close();
    }
    names.length = 0;
  });
  const open = async (root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-host-'))) => {
    const host = await openHostBeside(parseTarget(backend.serverUrl ?? `pglite://${root}/x`, process.cwd()), root);
    hosts.push(host);
    return host;
  };
  const name = () => {
    const n = cloneName('dbctl_tmp');
    names.push(n);
    return n;
  };

  it('creates, lists, marks a template, clones it, and drops (a second create or drop reports nothing to do)', async () => {
    const host = await open();
    expect(host.capabilities.templates).toBe(backend.name === 'pg' ? 'create-database' : 'directory-copy');
    expect(host.capabilities.dump).toBe(backend.name === 'pg' ? 'pg_dump' : 'pglite-tools');
    const template = name();
    expect(await host.exists(template)).toBe(false);
    const made = await host.create(template);
    expect(made).toMatchObject({ created: true, strategy: 'empty', target: host.urlOf(template) });
    expect(await host.create(template)).toMatchObject({ created: false });
    expect(await host.exists(template)).toBe(true);
    expect(await host.list()).toContain(template);

    const db = await openDatabase({ target: made.target });
    await db.query('create table t (id int); insert into t values (1), (2)');
    await db.close();
    expect(await host.isTemplate(template)).toBe(false);
    await host.markTemplate(template);
    expect(await host.isTemplate(template)).toBe(true);

    const clone = name();
    const cloned = await host.create(clone, { template });
    expect(cloned.created).toBe(true);
    expect(await host.isTemplate(clone)).toBe(false);
    const copy = await openDatabase({ target: cloned.target });
    expect((await copy.query('select count(*)::int as n from t')).rows).toEqual([{ n: 2 }]);
    await copy.close();

    expect(await host.drop(clone)).toEqual({ dropped: true, disconnected: 0 });
    expect(await host.drop(clone)).toEqual({ dropped: false, disconnected: 0 });
    expect(await host.drop(template, { force: true, template: true })).toMatchObject({ dropped: true });
    expect(await host.exists(template)).toBe(false);
  });

  it('refuses to drop a database someone has open, naming who (exit 5)', async () => {
    const host = await open();
    const n = name();
    const { target } = await host.create(n);
    const held = await openDatabase({ target });
    try {
      if (backend.name === 'pg') expect((await host.sessions(n)).length).toBeGreaterThan(0);
      await expect(host.drop(n)).rejects.toMatchObject({ code: 'database_in_use', exitCode: 5 });
      expect(await host.exists(n)).toBe(true);
    } finally {
      await held.close();
    }
    expect(await host.drop(n)).toMatchObject({ dropped: true });
  });

  // A server-only race: a closed client's backend can stay in pg_stat_activity for a moment. An
  // embedded database is closed when close() resolves.
  it.runIf(backend.name === 'pg')('drops a database whose last session is closing as the drop starts (the backend may still be listed)', async () => {
    // The host's own sessions carry a name of their own, so the server shows when the drop has
    // listed the database's sessions (its last query); only then does the held session close. The
    // drop has surely seen it open, and must give it its second to go (a state, not a 200 ms timer).
    const appName = `dbctl-test-drop-${process.pid}-${Date.now()}`;
    const host = await openHostBeside(parseTarget(backend.serverUrl!, process.cwd()), os.tmpdir(), { applicationName: appName });
    hosts.push(host);
    const n = name();
    const { target } = await host.create(n);
    const held = await openDatabase({ target });
    await held.query('select 1');
    const observer = await openDatabase({ url: backend.serverUrl!, poolSize: 1 });
    try {
      const dropping = host.drop(n);
      dropping.catch(() => {}); // awaited below
      const listed = async () => (await observer.query(`select 1 from pg_catalog.pg_stat_activity where application_name = $1 and query like '%from pg_catalog.pg_stat_activity%'`, [appName])).rows.length > 0;
      for (let i = 0; i < 2000 && !(await listed()); i++);
      expect(await listed(), 'the drop never listed the sessions').toBe(true);
      await held.close();
      expect(await dropping).toMatchObject({ dropped: true });
    } finally {
      await held.close().catch(() => {});
      await observer.close();
    }
  });

  it('runs work under a host-wide lock, and a second taker times out while it is held (exit 6)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-host-'));
    const host = await open(root);
    const other = await open(root);
    const lock = name();
    const inside = await host.withLock(lock, 1000, () =>
      other.withLock(lock, 200, async () => 'both').catch((error) => error),
    );
    expect(inside).toMatchObject({ code: 'lock_timeout', exitCode: 6 });
    expect(await other.withLock(lock, 1000, async () => 'free again')).toBe('free again');
  });
});

describe.each(backends)('openDatabaseFor ($name)', (backend) => {
  it('gives every purpose the configured statement_timeout', async () => {
    const host = await openHostBeside(parseTarget(backend.serverUrl ?? `pglite://${os.tmpdir()}/dbctl-test-dbs/x`, process.cwd()), path.join(os.tmpdir(), 'dbctl-test-dbs'));
    const n = cloneName('dbctl_tmp');
    try {
      const { target } = await host.create(n);
      const settings = { target, cwd: process.cwd(), connectTimeoutMs: 10_000, statementTimeoutMs: 4321, lockTimeoutMs: 0, poolSize: 2 };
      for (const purpose of ['command', 'doctor', 'testdb', 'throwaway', 'reference', 'fleet', 'restore', 'typegen'] as const) {
        const database = await openDatabaseFor(settings, purpose);
        try {
          expect((await database.query('show statement_timeout')).rows[0].statement_timeout, purpose).toBe('4321ms');
        } finally {
          await database.close();
        }
      }
    } finally {
      await host.drop(n, { force: true });
      await host.close();
    }
  });
});

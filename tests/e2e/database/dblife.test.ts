import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/driver/database.js';
import { withDatabase } from '../../../src/driver/target.js';
import { backends, type Backend } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { runCli, tempProject } from '../../helpers/cli.js';
import { counts, PROJECT, withOpen } from '../../reset/schema.js';

/** A database that does not exist yet: a unique name on the server, or a new directory. */
function newDatabase(backend: Backend): { url: string; exists(): Promise<boolean>; cleanup(): Promise<void> } {
  const name = `dbctl_life_${crypto.randomBytes(5).toString('hex')}`;
  if (!backend.serverUrl) {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-life-')), name);
    return {
      url: `pglite://${dir}`,
      exists: async () => fs.existsSync(path.join(dir, 'PG_VERSION')),
      cleanup: async () => fs.rmSync(path.dirname(dir), { recursive: true, force: true }),
    };
  }
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>) => {
    const client = new pg.Client({ connectionString: backend.serverUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    url: withDatabase(backend.serverUrl, name),
    exists: () => admin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1),
    cleanup: () => admin(async (c) => void (await c.query(`drop database if exists "${name}" with (force)`))),
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe.each(backends)('db create / drop / fresh on $name', (backend) => {
  const target = () => {
    const t = newDatabase(backend);
    cleanups.push(t.cleanup);
    return t;
  };

  it('creates and drops a database, each idempotent', async () => {
    const t = target();
    const cwd = tempProject();
    const create = await runCli(['--json', '--url', t.url, 'db', 'create'], { cwd });
    expect(create.code).toBe(0);
    expect(create.json()).toMatchObject({ ok: true, created: true });
    expect(await t.exists()).toBe(true);
    expect((await runArgv(['--url', t.url, 'db', 'create'], { cwd })).stdout).toMatch(/already exists/);

    const drop = await runArgv(['--json', '--url', t.url, 'db', 'drop'], { cwd });
    expect(drop.json()).toMatchObject({ ok: true, dropped: true, disconnected: 0 });
    expect(await t.exists()).toBe(false);
    const again = await runArgv(['--url', t.url, 'db', 'drop'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/does not exist: nothing to drop/);
  });

  it('refuses to drop a database with an open connection, saying who is connected', async () => {
    const t = target();
    const cwd = tempProject();
    expect((await runArgv(['--url', t.url, 'db', 'create'], { cwd })).code).toBe(0);
    const holder = backend.serverUrl ? new pg.Client({ connectionString: t.url, application_name: 'holder-app' }) : undefined;
    const embedded = holder ? undefined : await openDatabase({ url: t.url });
    await holder?.connect();
    try {
      const refused = await runCli(['--url', t.url, 'db', 'drop'], { cwd });
      expect(refused.code).toBe(5);
      if (holder) {
        expect(refused.stderr).toMatch(/error: database "dbctl_life_\w+" has 1 open connection\(s\): users postgres \(1\); applications holder-app \(1\)/);
        expect(refused.stderr).toMatch(/pid \d+ +user postgres +application holder-app/);
        expect(refused.stderr).toContain('hint: close them and retry, or pass --force to disconnect them');
      } else {
        expect(refused.stderr).toContain(`is in use by another process (pid ${process.pid}`);
      }
      expect(await t.exists()).toBe(true);

      if (holder) {
        holder.on('error', () => {}); // --force terminates it
        const forced = await runArgv(['--json', '--url', t.url, 'db', 'drop', '--force'], { cwd });
        expect(forced.json()).toMatchObject({ dropped: true, disconnected: 1 });
        expect(await t.exists()).toBe(false);
      }
    } finally {
      await holder?.end().catch(() => {});
      await embedded?.close();
    }
  });

  it('db fresh drops, creates, migrates and seeds', async () => {
    const t = target();
    const cwd = tempProject({
      ...PROJECT,
      'seeds/common/01_users.sql': `insert into users (name) values ('ada'), ('bob'), ('cy');`,
      'dbctl.config.json': JSON.stringify({ url: t.url }),
    });
    const first = await runCli(['--json', 'db', 'fresh'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    expect(first.json()).toMatchObject({ ok: true, dropped: { dropped: false }, created: { created: true }, seeded: { seeds: [{ name: 'common/01_users' }] } });
    expect(first.json().migrated.results).toHaveLength(1);

    await withOpen(t.url, (db) => db.insertInto('CamelCase').defaultValues().execute());

    const second = await runArgv(['db', 'fresh'], { cwd });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^dropped .*\ncreated .*\napplied 1 migration\(s\)\nseeded 1 seed file\(s\) for environment development: 3 row\(s\) in 1 table\(s\)/);
    expect(await withOpen(t.url, counts)).toEqual({ users: 3, weird: 0, camel: 0, notes: 0, log: 0, migrations: 1, history: 1 });
    const noSeed = await runArgv(['--json', 'db', 'fresh', '--no-seed'], { cwd });
    expect(noSeed.json().seeded).toBeUndefined();
  });
});

describe('db lifecycle refusals', () => {
  it('never removes a directory that is not a PGlite database', async () => {
    const cwd = tempProject({ 'data/notes.txt': 'precious' });
    const r = await runArgv(['--url', 'pglite://data', 'db', 'drop'], { cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('is not a PGlite data directory (no PG_VERSION), so it is not removed');
    expect(fs.readFileSync(path.join(cwd, 'data/notes.txt'), 'utf8')).toBe('precious');
  });

  it('passes on the server\'s refusal (no CREATEDB right) as one line, exit 5', async (ctx) => {
    const serverUrl = process.env.TEST_DATABASE_URL;
    if (!serverUrl) return ctx.skip('TEST_DATABASE_URL is not set: roles need a real server');
    const role = `dbctl_nocreate_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create role ${role} login`);
    try {
      const url = new URL(withDatabase(serverUrl, `${role}_db`));
      url.username = role;
      const r = await runArgv(['--url', url.toString(), 'db', 'create'], { cwd: tempProject() });
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(`error: cannot create database "${role}_db": permission denied to create database (SQLSTATE 42501)`);
      expect(r.stderr).toContain('hint: connect as a role allowed to create databases');
    } finally {
      await admin.query(`drop role ${role}`);
      await admin.end();
    }
  });
});

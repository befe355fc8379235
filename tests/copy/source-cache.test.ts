import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { readSourceFacts } from '../../src/copy/source-cache.js';
import { sqlClientOf } from '../../src/copy/source.js';
import { parseTarget } from '../../src/driver/target.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';

const SERVER = process.env.TEST_DATABASE_URL;

/**
 * The source's schema and graph a copy reads on its snapshot, cached by the source's catalog
 * fingerprint: read again after any change to the catalog (a column, an index, a comment, a grant,
 * a renamed role), taken from the cache after rows change or statistics are gathered.
 */
describe.runIf(SERVER)('copy source cache', () => {
  let source: TestDatabase;
  let work: string;
  let config: ResolvedConfig;
  const admin = () => new pg.Client({ connectionString: source.url });
  const bookkeeping = (key: string) => key.startsWith('public.dbctl_');
  const role = `dbctl_srccache_${process.pid}`;

  /** The facts as a copy reads them: in a repeatable-read, read-only transaction on the source. */
  async function facts() {
    const client = admin();
    await client.connect();
    try {
      await client.query('begin isolation level repeatable read read only');
      return await readSourceFacts(sqlClientOf(client), config, bookkeeping, parseTarget(source.url, work));
    } finally {
      await client.end();
    }
  }
  async function run(...statements: string[]): Promise<void> {
    const client = admin();
    await client.connect();
    try {
      for (const sql of statements) await client.query(sql);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-copysc-'));
    fs.mkdirSync(path.join(work, 'node_modules'));
    fs.mkdirSync(path.join(work, 'migrations'));
    config = await resolveConfig({ cwd: work, url: SERVER, environ: {}, migrationsDir: path.join(work, 'migrations') });
    source = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copysc' });
    await run(`drop role if exists ${role}; create role ${role};
      create table parent (id int primary key, name text not null);
      create table child (id int primary key, parent_id int not null references parent (id), note text);
      grant select on parent to ${role};`);
  }, 30_000);
  afterAll(async () => {
    await source?.drop().catch(() => {});
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    await client.query(`drop role if exists ${role}`).catch(() => {});
    await client.query(`drop role if exists ${role}_renamed`).catch(() => {});
    await client.end();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('a second read takes the facts from the cache, the same as read; rows and statistics change nothing', async () => {
    const first = await facts();
    expect(first.cached).toBe(false);
    expect([...first.graph.tables.keys()].sort()).toEqual(['public.child', 'public.parent']);
    const second = await facts();
    expect(second.cached).toBe(true);
    expect(second.graph).toEqual(first.graph);
    expect(second.schema).toEqual(first.schema);
    await run(`insert into parent select g, 'p' || g from generate_series(1, 1000) g`, 'vacuum analyze parent');
    expect((await facts()).cached).toBe(true);
    // Roles are the server's: one this database grants nothing to (another project's, another
    // test's) changes nothing here.
    await run(`create role ${role}_other`, `alter role ${role}_other rename to ${role}_other2`, `drop role ${role}_other2`);
    expect((await facts()).cached).toBe(true);
  }, 30_000);

  it.each([
    ['a column added', 'alter table child add column extra int', (f: Facts) => f.graph.tables.get('public.child')!.columns.map((c) => c.name).includes('extra')],
    ['an index', 'create index child_note on child (note)', (f: Facts) => f.schema.tables.some((t) => t.indexes.some((i) => i.name === 'child_note'))],
    ['a comment', `comment on table parent is 'the parents'`, (f: Facts) => JSON.stringify(f.schema).includes('the parents')],
    ['a grant', `grant insert on child to ${role}`, (f: Facts) => JSON.stringify(f.schema).includes('INSERT')],
    ['a renamed role', `alter role ${role} rename to ${role}_renamed`, (f: Facts) => JSON.stringify(f.schema).includes(`${role}_renamed`)],
  ])('%s: read again, and the new facts say so', async (_, change, seen) => {
    await facts();
    expect((await facts()).cached).toBe(true);
    await run(change);
    const after = await facts();
    expect(after.cached).toBe(false);
    expect(seen(after)).toBe(true);
    expect((await facts()).cached).toBe(true);
  }, 30_000);
});

type Facts = Awaited<ReturnType<typeof readSourceFacts>>;

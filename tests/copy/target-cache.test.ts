import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { readTargetFacts } from '../../src/copy/target-cache.js';
import { openDatabase } from '../../src/driver/database.js';
import { openHostOf } from '../../src/driver/host.js';
import { parseTarget } from '../../src/driver/target.js';

const SERVER = process.env.TEST_DATABASE_URL;

/**
 * The target's graph, schema and tables a copy reads before any row moves, cached per migrated
 * template: a clone of the same template takes them from the cache (the same as read), which tables
 * hold rows is read every time, and a template that changed in any way is read again.
 */
describe.runIf(SERVER)('copy target cache', () => {
  const admin = new pg.Client({ connectionString: SERVER });
  const template = `dbctl_copytc_tpl_${process.pid}`;
  const made: string[] = [];
  let work: string;
  let config: ResolvedConfig;
  const bookkeeping = (key: string) => key.startsWith('public.dbctl_');
  const cloneOf = { name: template, server: 'test' };

  const urlOf = (name: string) => Object.assign(new URL(SERVER!), { pathname: `/${name}` }).toString();
  async function onTemplate(sql: string): Promise<void> {
    await admin.query(`alter database ${template} with is_template false allow_connections true`);
    const c = new pg.Client({ connectionString: urlOf(template) });
    await c.connect();
    await c.query(sql);
    await c.end();
    await admin.query(`alter database ${template} with is_template true allow_connections false`);
  }
  /** The template's identity, as the copy asks its host. */
  async function identity(): Promise<string | undefined> {
    const { host } = await openHostOf(parseTarget(SERVER!, work), { cwd: work, operation: 'test' });
    try {
      return await host.templateIdentity!(template);
    } finally {
      await host.close();
    }
  }
  /** A new clone of the template, with `sql` run on it first; its facts (`known`: with the template's identity). */
  async function factsOfClone(sql = '', known?: string) {
    const name = `dbctl_copytc_${process.pid}_${made.length}`;
    made.push(name);
    await admin.query(`create database ${name} template ${template}`);
    const db = await openDatabase({ url: urlOf(name), cwd: work });
    try {
      if (sql) await db.query(sql);
      return await readTargetFacts(db, config, bookkeeping, { ...cloneOf, identity: known });
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    await admin.connect();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-copytc-'));
    // The cache lives in the project's node_modules/.cache.
    fs.mkdirSync(path.join(work, 'node_modules'));
    fs.mkdirSync(path.join(work, 'migrations'));
    config = await resolveConfig({ cwd: work, url: SERVER, environ: {}, migrationsDir: path.join(work, 'migrations') });
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    await onTemplate(`create table parent (id int primary key, name text not null);
      create table child (id int primary key, parent_id int not null references parent (id), note text);
      create table seeded (id int primary key); insert into seeded values (1);`);
  }, 30_000);
  afterAll(async () => {
    for (const name of made) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`alter database ${template} with is_template false`).catch(() => {});
    await admin.query(`drop database if exists ${template} with (force)`);
    await admin.end();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('a second clone takes the facts from the cache: the same as read, emptiness read again', async () => {
    const first = await factsOfClone();
    expect(first.cached).toBe(false);
    expect([...first.tables.empty].sort()).toEqual(['public.child', 'public.parent']);
    const second = await factsOfClone();
    expect(second.cached).toBe(true);
    expect(second.graph).toEqual(first.graph);
    expect(second.schema).toEqual(first.schema);
    expect(second.tables).toEqual(first.tables);
    // Rows are data, not catalog: a clone that has some (here put in before the copy reads it) says so.
    const filled = await factsOfClone('insert into parent values (1, $$a$$)');
    expect(filled.cached).toBe(true);
    expect(filled.tables.empty).toEqual(['public.child']);
  }, 30_000);

  it('with the template identity: taken whole while it is the same; a template whose rows changed (the same catalog) has another, and its rows are read again', async () => {
    const before = await identity();
    expect(before).toMatch(/^\d+:\d+$/);
    const read = await factsOfClone('', before);
    const again = await factsOfClone('', before);
    expect(again.cached).toBe(true);
    expect(again.tables).toEqual(read.tables);
    expect(again.graph).toEqual(read.graph);
    // Changing the template's rows takes letting sessions in, which rewrites its pg_database row.
    await onTemplate('insert into parent values (7, $$seeded later$$)');
    const after = await identity();
    expect(after).not.toBe(before);
    const changed = await factsOfClone('', after);
    expect(changed.cached).toBe(true); // the same catalog: the schema from the cache, the rows read
    expect(changed.tables.empty).toEqual(['public.child']);
    expect((await factsOfClone('', after)).tables.empty).toEqual(['public.child']);
    await onTemplate('delete from parent');
  }, 30_000);

  it('a template changed in any way (a column added, a column renamed) is read again', async () => {
    await factsOfClone();
    await onTemplate('alter table child add column extra int');
    const added = await factsOfClone();
    expect(added.cached).toBe(false);
    expect(added.graph.tables.get('public.child')!.columns.map((c) => c.name)).toEqual(['id', 'parent_id', 'note', 'extra']);
    expect((await factsOfClone()).cached).toBe(true);
    await onTemplate('alter table child rename column note to remark');
    const renamed = await factsOfClone();
    expect(renamed.cached).toBe(false);
    expect(renamed.graph.tables.get('public.child')!.columns.map((c) => c.name)).toEqual(['id', 'parent_id', 'remark', 'extra']);
  }, 30_000);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { CopySubsetConfig } from '../../src/config/copy.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { readGraph } from '../../src/copy/graph.js';
import { computeSubset, type Selection } from '../../src/copy/subset.js';
import { sqlClientOf } from '../../src/copy/source.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);

/**
 * A copy source for a describe block (call it inside one): a server database migrated from
 * `tests/copy/<name>/migrations` and filled by `<name>/data.sql`, a work folder, the targets made
 * (dropped after the block), and what the tests read: ids by query on any database, and the subset's
 * selections as the copy computes them on the source.
 */
export function copySource(server: string, name: string, subset: CopySubsetConfig) {
  const migrations = path.join(HERE, name, 'migrations');
  const made: TestDatabase[] = [];
  const open = new Map<string, Promise<Database>>();
  const fixture = { migrations, made, source: undefined as unknown as TestDatabase, work: '' };
  beforeAll(async () => {
    fixture.work = fs.mkdtempSync(path.join(os.tmpdir(), `dbctl-copy-${name}-`));
    fixture.source = await createTestDatabase({ serverUrl: server, prefix: 'dbctl_copysrc' });
    const db = await openDatabase({ url: fixture.source.url, cwd: fixture.work });
    try {
      await new Migrator({ database: db, ...migratorConfig(await resolveConfig({ cwd: fixture.work, url: fixture.source.url, environ: {}, migrationsDir: migrations })) }).up();
      await db.query(fs.readFileSync(path.join(HERE, name, 'data.sql'), 'utf8'));
    } finally {
      await db.close();
    }
  }, 30_000);
  const closeAll = async () => {
    for (const db of open.values()) await (await db).close();
    open.clear();
  };
  afterEach(closeAll);
  afterAll(async () => {
    for (const t of [...made, fixture.source]) await t?.drop().catch(() => {});
    fs.rmSync(fixture.work, { recursive: true, force: true });
  });
  /** The `id` column of `query` on the database at `url`, as sorted numbers. */
  const ids = async (url: string, query: string): Promise<number[]> => {
    if (!open.has(url)) open.set(url, openDatabase({ url, cwd: fixture.work }));
    return (await (await open.get(url)!).query<{ id: string }>(`select id::text as id from (${query}) q`)).rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  };
  const selections = async (): Promise<Map<string, Selection>> => {
    const client = new pg.Client({ connectionString: fixture.source.url });
    await client.connect();
    try {
      await client.query('begin isolation level repeatable read read only');
      const sql = sqlClientOf(client);
      return await computeSubset(sql, await readGraph(sql, (k) => k.startsWith('public.dbctl_')), subset);
    } finally {
      await client.end();
    }
  };
  /** A new target of each kind, for it.each: a server database (dropped after the block), a PGlite folder. */
  const targets = (label: string): Array<[string, () => Promise<string>]> => [
    ['a server database', async () => { const t = await createTestDatabase({ serverUrl: server, prefix: 'dbctl_copy' }); made.push(t); return t.url; }],
    ['a PGlite folder', async () => `pglite://${path.join(fixture.work, `${label}-${made.length}-${Date.now()}`)}`],
  ];
  return Object.assign(fixture, { ids, selections, closeAll, targets });
}

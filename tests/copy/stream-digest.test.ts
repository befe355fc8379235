import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopyConfig } from '../../src/config/copy.js';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { tableContents } from '../../src/catalog/contents.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { parseTarget } from '../../src/driver/target.js';
import { copyDatabase, type DbCopyOptions } from '../../src/flows/db-copy.js';
import { readGraph } from '../../src/copy/graph.js';
import { rulesByTable } from '../../src/copy/mask-plan.js';
import { planStreamDigests } from '../../src/copy/stream-digest.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';

const SERVER = process.env.TEST_DATABASE_URL;
const HERE = path.dirname(new URL(import.meta.url).pathname);
const MIGRATIONS = path.join(HERE, 'tricky/migrations');

const COPY: CopyConfig = {
  mask: { 'person.email': 'email', 'person.ip': 'ip', 'person.token': 'hash', 'prefs.prefs': { constant: '{"theme":  "light"}' }, 'prefs.nick': { constant: 'x' } },
};

/**
 * The manifest's digests come from the copy's streams where they can (the lines the target loads,
 * hashed in Node) and from the server elsewhere: either way each must be the digest the server
 * computes over the target's rows, for every type that prints in a way of its own.
 */
describe.runIf(SERVER)('db copy: the manifest hashed in the streams', () => {
  let source: TestDatabase;
  let sourceDb: Database;
  let work: string;
  const made: TestDatabase[] = [];

  const configFor = async (url: string): Promise<ResolvedConfig> => resolveConfig({ cwd: work, url, environ: {}, migrationsDir: MIGRATIONS });
  const migrate = async (database: Database, url: string) => new Migrator({ database, ...migratorConfig(await configFor(url)) }).up();

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-copy-digest-'));
    source = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copysrc' });
    sourceDb = await openDatabase({ url: source.url, cwd: work });
    await migrate(sourceDb, source.url);
    await sourceDb.query(fs.readFileSync(path.join(HERE, 'tricky/data.sql'), 'utf8'));
  }, 30_000);
  afterAll(async () => {
    await sourceDb?.close();
    for (const t of [...made, source]) await t?.drop().catch(() => {});
    fs.rmSync(work, { recursive: true, force: true });
  });

  const serverTarget = async () => {
    const t = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copy' });
    made.push(t);
    return t.url;
  };
  let n = 0;
  const folderTarget = async () => `pglite://${path.join(work, `into-${n++}`)}`;
  const copy = async (url: string, options: Partial<DbCopyOptions> = {}) =>
    copyDatabase({ config: await configFor(url), from: parseTarget(source.url, work), copy: COPY, secret: 'digest-secret', ...options });

  it('hashes in the stream only the tables whose lines are the target rows as the target prints them', async () => {
    const url = await serverTarget();
    const target = await openDatabase({ url, cwd: work });
    try {
      await migrate(target, url);
      const graph = await readGraph(target, (key) => key.startsWith('public.dbctl_') || key.includes('migration'));
      const jobs = [...graph.tables.values()].map((t) => ({ table: `${t.schema}.${t.table}`, columns: t.columns.filter((c) => !c.generated).map((c) => c.name) }));
      const plan = await planStreamDigests({ source: sourceDb, target, graph, jobs, rules: rulesByTable(COPY.mask), drift: false });
      expect([...plan.streamed].sort()).toEqual(['public.person', 'public.tricky', 'public.untouched']);
      expect(plan.empty.has('public.seeded')).toBe(false);
      const drifted = await planStreamDigests({ source: sourceDb, target, graph, jobs, rules: rulesByTable(COPY.mask), drift: true });
      expect(drifted.streamed.size).toBe(0);
    } finally {
      await target.close();
    }
  }, 60_000);

  it.each([['a server database', serverTarget], ['a PGlite folder', folderTarget]])('into %s: every digest is the server\'s, and two runs agree', async (_, makeTarget) => {
    const url = await makeTarget();
    const first = await copy(url);
    const target = await openDatabase({ url, cwd: work });
    let server;
    try {
      server = await target.session(async (client) => {
        await client.query('begin isolation level repeatable read');
        try {
          return await tableContents(client, first.manifest.tables.map((t) => ({ schema: t.schema, table: t.table })));
        } finally {
          await client.query('rollback');
        }
      });
      expect((await target.query<{ n: string }>('select count(*)::text as n from seeded')).rows[0].n).toBe('3');
    } finally {
      await target.close();
    }
    expect(first.manifest.tables.map((t) => t.table)).toEqual(expect.arrayContaining(['tricky', 'person', 'prefs', 'computed', 'seeded', 'parted_eu', 'parted_us', 'untouched']));
    expect(first.manifest.tables).toEqual(server);
    const second = await copy(url);
    expect(second.manifest.tables).toEqual(first.manifest.tables);
  }, 90_000);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopyConfig } from '../../src/config/copy.js';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { tableContents } from '../../src/catalog/contents.js';
import { parseTarget } from '../../src/driver/target.js';
import { copyDatabase, type CopyReport } from '../../src/flows/db-copy.js';
import { runSeeds } from '../../src/seed/index.js';
import { seedConfig } from '../../src/config/props.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import { exampleDatabase, MIGRATIONS_DIR, type ExampleDatabase } from '../example/helpers.js';
import { ROOT } from '../helpers/cli.js';

const SERVER = process.env.TEST_DATABASE_URL;
const SECRET = 'test-secret-for-masking';

/** Rules for every column of the example schema's tables that hold people's data. */
const MASK: CopyConfig = {
  mask: {
    'users.email': 'email',
    'users.display_name': 'name',
    'interactions.request_data': { constant: '{}' },
    'interactions.response_data': { constant: '{}' },
    'document_chunks.content': 'text',
    'documents.title': (row, h) => `Document ${h.hash(row.id ?? '').slice(0, 6)}`,
  },
  safe: ['users.id', 'users.role', 'users.created_at', 'users.updated_at', 'courses.*', 'enrollments.*', 'documents.*', 'document_chunks.*', 'interactions.*'],
};

/**
 * `db copy` from a server (the source is always one) into a server database and a PGlite folder,
 * on the example database with its test seeds plus generated users.
 */
describe.runIf(SERVER)('db copy of the example database', () => {
  let source: ExampleDatabase;
  let work: string;
  let config: ResolvedConfig;
  const targets: Array<{ name: string; url: () => Promise<string> }> = [];
  const made: TestDatabase[] = [];

  beforeAll(async () => {
    source = await exampleDatabase({ name: 'pg', serverUrl: SERVER });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-copy-'));
    // Where the copy caches the target's schema per template (a server target's second run takes it from there).
    fs.mkdirSync(path.join(work, 'node_modules'));
    const resolved = await resolveConfig({ cwd: work, url: source.test.url, environ: {}, migrationsDir: MIGRATIONS_DIR });
    await runSeeds({ database: source.database, ...seedConfig(resolved), dir: path.join(ROOT, 'seeds'), fixturesDir: path.join(ROOT, 'fixtures'), env: 'development' });
    config = resolved;
  }, 60_000);
  afterAll(async () => {
    for (const t of made) await t.drop().catch(() => {});
    await source?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const intoConfig = async (url: string, extra: Partial<ResolvedConfig> = {}) => ({ ...(await resolveConfig({ cwd: work, url, environ: {}, migrationsDir: MIGRATIONS_DIR })), ...extra });
  const serverTarget = async () => {
    const t = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copy' });
    made.push(t);
    return t.url;
  };
  let folders = 0;
  const folderTarget = async () => `pglite://${path.join(work, `into-${folders++}`)}`;

  const copyInto = async (url: string, options: Partial<Parameters<typeof copyDatabase>[0]> = {}): Promise<CopyReport> =>
    copyDatabase({ config: await intoConfig(url), from: parseTarget(source.test.url, work), copy: MASK, secret: SECRET, ...options });

  /** One open database per URL per test: opening an embedded one costs seconds. */
  const open = new Map<string, Promise<Database>>();
  const values = async (url: string, query: string): Promise<string[]> => {
    if (!open.has(url)) open.set(url, openDatabase({ url, cwd: work }));
    return (await (await open.get(url)!).query<{ v: string }>(query)).rows.map((r) => r.v);
  };
  const closeAll = async () => {
    for (const db of open.values()) await (await db).close();
    open.clear();
  };

  it.each([['a server database', serverTarget], ['a PGlite folder', folderTarget]])('into %s: every row, masked, foreign keys checked; two runs give one manifest', async (_, makeTarget) => {
    const url = await makeTarget();
    const first = await copyInto(url);
    const users = first.tables.find((t) => t.table === 'public.users')!;
    expect(users.rows).toBe(Number((await values(source.test.url, 'select count(*)::text as v from users'))[0]));
    expect(users.masked.sort()).toEqual(['display_name', 'email']);
    // No masked value is a source value; the emails are at the reserved domain.
    const emails = await values(url, 'select email as v from users');
    const sourceEmails = new Set(await values(source.test.url, 'select email as v from users'));
    expect(emails.length).toBeGreaterThan(0);
    for (const e of emails) {
      expect(sourceEmails.has(e)).toBe(false);
      expect(e).toMatch(/@example\.com$/);
    }
    const names = new Set(await values(source.test.url, 'select display_name as v from users where display_name is not null'));
    for (const n of await values(url, 'select display_name as v from users')) expect(names.has(n)).toBe(false);
    // The manifest, hashed in the streams where it could be, is the server's digest of every table.
    const target = await (open.get(url) ?? Promise.resolve(undefined));
    expect(first.manifest.tables).toEqual(await target!.session(async (client) => {
      await client.query('begin isolation level repeatable read');
      try {
        return await tableContents(client, first.manifest.tables.map((t) => ({ schema: t.schema, table: t.table })));
      } finally {
        await client.query('rollback');
      }
    }));
    await closeAll();
    const second = await copyInto(url);
    expect(second.manifest.tables).toEqual(first.manifest.tables);
    // The second run into a server took the target's schema from the cache; the biggest table was read ahead on both.
    if (url.startsWith('postgres')) expect(second.phases.map((p) => p.phase)).toContain('target schema (cached)');
    for (const report of [first, second]) expect(report.phases.map((p) => p.phase)).toContain('read ahead');
  }, 60_000);
});

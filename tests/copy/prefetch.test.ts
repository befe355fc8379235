import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyDigest } from '../../src/catalog/copy-digest.js';
import { Prefetch } from '../../src/copy/prefetch.js';
import { openSource, type Source } from '../../src/copy/source.js';
import type { StreamJob } from '../../src/copy/stream.js';
import { parseTarget } from '../../src/driver/target.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { copyDatabase } from '../../src/flows/db-copy.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import { until } from '../helpers/poll.js';

const SERVER = process.env.TEST_DATABASE_URL;
const ROWS = 200_000;
/** Far less than the table (~13 MB of COPY text, more than the sockets between hold): the read-ahead must stop there and wait. */
const CAP = 64 << 10;

/**
 * The rows `db copy` reads ahead while the target's database is created: masked before they are
 * held, never more than the cap held (the source then waits), every row exactly once, and a
 * read-ahead that is not wanted read to its end so its session is free again.
 */
describe.runIf(SERVER)('copy read-ahead', () => {
  let source: TestDatabase;
  const admin = new pg.Client({ connectionString: SERVER });
  const job = (transform: StreamJob['transform']): StreamJob => ({ table: 'public.big', columns: ['id', 'payload'], selection: { whole: true }, transform });
  const expected = Array.from({ length: ROWS }, (_, i) => `${i + 1}\tp${i + 1}-${'x'.repeat(50)}\n`).join('');

  beforeAll(async () => {
    await admin.connect();
    source = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copyra' });
    const s = new pg.Client({ connectionString: source.url });
    await s.connect();
    await s.query(`create table big (id int primary key, payload text not null); insert into big select i, 'p' || i || '-' || repeat('x', 50) from generate_series(1, ${ROWS}) i; analyze big`);
    await s.end();
  }, 30_000);
  afterAll(async () => {
    await admin.end();
    await source?.drop();
  });

  async function withSource<T>(fn: (s: Source) => Promise<T>): Promise<T> {
    const s = await openSource(parseTarget(source.url, process.cwd()), 1);
    try {
      return await fn(s);
    } finally {
      await s.close();
    }
  }

  it('holds at most the cap (the source waits), masked as read; then every row once, in order', async () => {
    await withSource(async (s) => {
      let masked = 0;
      const ahead = await Prefetch.start(s.lead, job((line) => (masked++, line.replace(/\tp\d+-/, '\tmasked-') + '\n')), CAP, { hash: true });
      expect(ahead.contents()).toBeUndefined();
      // Reading stops once the cap is reached (what the sockets hold is left on the source side).
      await until(async () => ahead.buffered >= CAP, 'the read-ahead filled');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(masked).toBeGreaterThan(0);
      expect(masked).toBeLessThan(ROWS);
      // One piece past the cap at most (a piece is what one socket read held).
      expect(ahead.buffered).toBeGreaterThanOrEqual(CAP);
      expect(ahead.buffered).toBeLessThan(CAP + (256 << 10));
      let text = '';
      let rows = 0;
      for await (const piece of ahead.pieces()) {
        expect(ahead.buffered).toBeLessThan(CAP + (256 << 10));
        text += piece.written.toString('utf8');
        rows += piece.rows;
      }
      expect(rows).toBe(ROWS);
      expect(text).toBe(expected.replace(/\tp\d+-/g, '\tmasked-'));
      // Hashed as read: the digest of the masked lines, as a stream hashing them would have it.
      const digest = await CopyDigest.create();
      digest.update(Buffer.from(text));
      const { rows: n, digest: d } = digest.finish();
      expect(ahead.contents()).toEqual({ rows: n, digest: d });
      // The session is free again, on its snapshot.
      expect((await s.lead.query('select count(*)::int as n from big')).rows).toEqual([{ n: ROWS }]);
    });
  }, 30_000);

  it('discarded: read to its end and dropped, the session usable again', async () => {
    await withSource(async (s) => {
      const ahead = await Prefetch.start(s.lead, job(null), CAP);
      await ahead.discard();
      expect(ahead.buffered).toBe(0);
      expect((await s.lead.query('select count(*)::int as n from big')).rows).toEqual([{ n: ROWS }]);
    });
  }, 30_000);

  it('a copy whose plan wants other columns than were read ahead (a drifted source, --allow-drift) drops the read-ahead and copies every row', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-copyra-'));
    fs.mkdirSync(path.join(work, 'migrations'));
    // The migrations build big without the source's extra column.
    fs.writeFileSync(path.join(work, 'migrations/001_big.sql'), '-- migrate:up\ncreate table big (id int primary key, payload text not null);\n-- migrate:down\ndrop table big;\n');
    const into = await createTestDatabase({ serverUrl: SERVER!, prefix: 'dbctl_copyra' });
    const s = new pg.Client({ connectionString: source.url });
    await s.connect();
    await s.query('alter table big add column extra int');
    try {
      const config = await resolveConfig({ cwd: work, url: into.url, environ: {}, migrationsDir: path.join(work, 'migrations') });
      const report = await copyDatabase({ config, from: parseTarget(source.url, work), allowDrift: true, copy: { safe: ['big.*'] } });
      expect(report.phases.map((p) => p.phase)).toEqual(expect.arrayContaining(['read ahead', 'discard read-ahead']));
      expect(report.tables.find((t) => t.table === 'public.big')!.rows).toBe(ROWS);
      const t = new pg.Client({ connectionString: into.url });
      await t.connect();
      const { rows } = await t.query(`select string_agg(id || E'\\t' || payload || E'\\n', '' order by id) as text from big`);
      await t.end();
      expect(rows[0].text).toBe(expected);
    } finally {
      await s.query('alter table big drop column extra');
      await s.end();
      await into.drop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);

  it('the source lost while read ahead: whoever takes the rows gets the error', async () => {
    await withSource(async (s) => {
      const ahead = await Prefetch.start(s.lead, job(null), CAP);
      await until(async () => (await admin.query(`select 1 from pg_stat_activity where datname = $1 and query ilike 'copy (select%'`, [source.name])).rows.length > 0, 'the COPY ran');
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and query ilike 'copy (select%'`, [source.name]);
      await expect((async () => {
        for await (const _ of ahead.pieces()) void _;
      })()).rejects.toThrow();
    });
  }, 30_000);
});

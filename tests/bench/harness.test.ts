import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/driver/database.js';
import { Migrator } from '../../src/migrate/migrator.js';
import { backends, freshDatabase } from '../helpers/backends.js';
// The harness is plain ESM outside src/ (it is not shipped); these test its arithmetic, not timings.
import { writeMigrations, writeSqlScript } from '../../bench/lib/generate.mjs';
import { interleave, median } from '../../bench/lib/measure.mjs';
import { checkTargets, renderTable, renderTargets } from '../../bench/lib/report.mjs';

describe('bench harness', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('interleaves variants, reversing the order every other round, after an untimed warm-up', async () => {
    const order: string[] = [];
    const variant = (name: string) => ({ name, setup: async () => void order.push(`setup ${name}`), run: async () => (order.push(name), { ms: name === 'a' ? 10 : 30 }) });
    const rows = await interleave([variant('a'), variant('b')], { runs: 2 });
    expect(order.filter((o) => !o.startsWith('setup'))).toEqual(['b', 'a', 'a', 'b', 'b', 'a']);
    expect(order.filter((o) => o.startsWith('setup'))).toHaveLength(6);
    expect(rows.map((r: { name: string; samples: unknown[]; median: number }) => [r.name, r.samples.length, r.median])).toEqual([['a', 2, 10], ['b', 2, 30]]);
  });

  it('checks targets as time ratios against the floor or a named row', () => {
    const group = {
      label: 'g',
      floor: 'floor',
      rows: [{ name: 'floor', median: 100 }, { name: 'dbctl', median: 140 }, { name: 'peer', median: 600 }],
      targets: [
        { row: 'dbctl', max: 1.5, text: '≤ 1.5× floor' },
        { row: 'dbctl', ref: 'peer', max: 1 / 5, text: '≥ 5× faster than peer' },
      ],
    };
    const checks = checkTargets(group);
    expect(checks.map((c: { ok: boolean }) => c.ok)).toEqual([true, false]);
    expect(checks[1].ratio).toBeCloseTo(140 / 600);
    const results = [{ id: 1, title: 't', groups: [group] }, { id: 3, title: 'testdb', unavailable: '`dbctl testdb create` is not in this build' }];
    expect(renderTable(results)).toContain('| 1. g | dbctl | 140 ms | 1.40× |');
    expect(renderTable(results)).toContain('not available: `dbctl testdb create` is not in this build');
    expect(renderTargets(results)).toContain('| 1. g | ≥ 5× faster than peer | 4.29× faster | ❌ |');
  });

  it('generates the same chain of tables in every tool\'s format', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-bench-test-'));
    try {
      for (const format of ['ts', 'js', 'npm', 'dbmate'] as const) writeMigrations(path.join(dir, format), 3, format);
      writeSqlScript(path.join(dir, 'all.sql'), 3);
      expect(fs.readdirSync(path.join(dir, 'ts'))).toEqual(['0001_create_t0001.ts', '0002_create_t0002.ts', '0003_create_t0003.ts']);
      expect(fs.readFileSync(path.join(dir, 'ts', '0003_create_t0003.ts'), 'utf8')).toContain("c.references('t0002.id')");
      expect(fs.readFileSync(path.join(dir, 'npm', '0003_create_t0003.js'), 'utf8')).toContain("references: 't0002(id)'");
      const js = fs.readFileSync(path.join(dir, 'js', '0003_create_t0003.js'), 'utf8');
      expect(js).toContain("c.references('t0002.id')");
      expect(js).not.toMatch(/Kysely<|: Promise/);
      const sql = fs.readFileSync(path.join(dir, 'all.sql'), 'utf8');
      expect(sql.match(/create table/g)).toHaveLength(3);
      expect(sql.match(/create index/g)).toHaveLength(3);
      expect(sql).toContain('prev_id uuid references t0002 (id)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const server = backends.find((b) => b.name === 'pg');

describe.runIf(server)('the node + pg floors of case 1', () => {
  it.each([
    ['.sql', 'dbmate', 'node-floor-apply.mjs'],
    ['.ts', 'ts', 'node-kysely-floor-apply.mjs'],
  ])('%s: applies the files and leaves the bookkeeping dbctl reads as its own: all applied, none changed', async (_kind, format, fixture) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-bench-test-'));
    const t = await freshDatabase(server!);
    try {
      writeMigrations(path.join(dir, 'migrations'), 3, format);
      fs.symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules')); // `import … from 'kysely'`, as in the bench's projects
      const floor = path.resolve('bench/fixtures', fixture);
      const r = spawnSync(process.execPath, [floor, 'migrations'], { cwd: dir, env: { ...process.env, DATABASE_URL: t.url }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const database = await openDatabase({ url: t.url });
      try {
        const status = await new Migrator({ database, migrations: path.join(dir, 'migrations') }).status();
        expect(status.summary).toMatchObject({ total: 3, applied: 3, pending: 0, modified: 0 });
        expect((await database.query(`select count(*)::int as n from t0003`)).rows).toEqual([{ n: 0 }]);
      } finally {
        await database.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

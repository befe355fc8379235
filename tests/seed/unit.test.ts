import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyLine } from '../../src/seed/copy-format.js';
import { fileSeed, seededFaker } from '../../src/seed/faker.js';
import { listSeedFiles, selectSeeds } from '../../src/seed/files.js';
import { loadFixture } from '../../src/seed/fixtures.js';
import { seedId, uuidv5 } from '../../src/seed/ids.js';
import { createSeedFile } from '../../src/seed/new.js';
import type { ColumnInfo } from '../../src/seed/table-info.js';

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-seed-unit-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('deterministic ids', () => {
  it('is RFC 4122 UUID v5 (checked against Python uuid.uuid5)', () => {
    // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org'))"
    expect(uuidv5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    // uuid5(uuid5(UUID('0d9f6c1e-5b7a-4c3e-9a0f-6a2d7f1e4b8c'), 'users'), '1')
    expect(seedId('users', 1)).toBe('74024b22-eead-51a5-8aa3-4ef0c9f4275a');
  });

  it('differs by table and by key, and never mixes the two', () => {
    expect(seedId('users', 1)).not.toBe(seedId('courses', 1));
    expect(seedId('a/b', 'c')).not.toBe(seedId('a', 'b/c'));
    expect(seedId('users', 1)).toBe(seedId('users', '1'));
  });
});

describe('seeded faker', () => {
  it('gives the same data for the same seed and file, other data for another file or seed', () => {
    const sample = (seed: number, name: string) => {
      const f = seededFaker(seed, name);
      return [f.person.fullName(), f.internet.email(), f.date.past().toISOString(), f.number.float()];
    };
    expect(sample(42, 'development/01_users')).toEqual(sample(42, 'development/01_users'));
    expect(sample(42, 'development/01_users')).not.toEqual(sample(42, 'development/02_users'));
    expect(sample(42, 'development/01_users')).not.toEqual(sample(7, 'development/01_users'));
    expect(fileSeed(42, 'x')).toEqual(fileSeed(42, 'x'));
  });

  it('draws dates relative to a fixed reference, not the clock', () => {
    const d = seededFaker(1, 'a').date.recent({ days: 10 });
    expect(d.getTime()).toBeLessThanOrEqual(Date.parse('2025-01-01T00:00:00Z'));
    expect(d.getTime()).toBeGreaterThan(Date.parse('2024-12-21T00:00:00Z'));
  });
});

describe('COPY text format', () => {
  const col = (name: string, type: string, category = 'S'): ColumnInfo => ({ name, type, category, equality: true });

  it('escapes, writes nulls, and writes arrays by column type', () => {
    const columns = [col('t', 'text'), col('n', 'integer', 'N'), col('b', 'boolean', 'B'), col('tags', 'text[]', 'A'), col('j', 'jsonb', 'U'), col('v', 'vector(3)', 'U'), col('d', 'timestamp with time zone', 'D'), col('x', 'text')];
    const line = copyLine({ t: 'a\tb\nc\\d', n: 5, b: false, tags: ['x y', 'q"u', null, 'a,b'], j: [1, { k: 'v' }], v: [0.5, 1, -2], d: new Date('2026-01-02T03:04:05Z'), x: undefined }, columns);
    expect(line).toBe('a\\tb\\nc\\\\d\t5\tf\t{"x y","q\\\\"u",NULL,"a,b"}\t[1,{"k":"v"}]\t[0.5,1,-2]\t2026-01-02T03:04:05.000Z\t\\N\n');
  });

  it('writes bytes as bytea hex and objects as JSON', () => {
    expect(copyLine({ b: Buffer.from([1, 255]), o: { a: 1 } }, [col('b', 'bytea', 'U'), col('o', 'json', 'U')])).toBe('\\\\x01ff\t{"a":1}\n');
  });
});

describe('fixtures', () => {
  const dir = folder({
    'fixtures/courses.json': '[\n  {"code": "CS-101", "name": "Intro"},\n  {"code": "BIO-210", "name": "Cells"}\n]\n',
    'fixtures/ref/countries.csv': 'code,name,population\nFR,"France, Republic of",68000000\nVA,Vatican,\nXX,"",1\n',
    'fixtures/broken.json': '[\n  {"code": "A"},\n  {"code": "B",}\n]\n',
    'fixtures/truncated.json': '[\n  {"code": "A"}',
    'fixtures/scalar.json': '[\n  {"code": "A"},\n  "B"\n]',
    'fixtures/ragged.csv': 'code,name\nA,Alpha\nB,Beta,extra\n',
    'fixtures/both.json': '[]',
    'fixtures/both.csv': 'a\n',
  });
  const fixtures = path.join(dir, 'fixtures');
  const load = (name: string) => loadFixture(fixtures, name, dir);

  it('loads JSON and CSV by name (sub-paths too); CSV fields are text, an unquoted empty field is null', () => {
    expect(load('courses')).toEqual([{ code: 'CS-101', name: 'Intro' }, { code: 'BIO-210', name: 'Cells' }]);
    expect(load('ref/countries')).toEqual([
      { code: 'FR', name: 'France, Republic of', population: '68000000' },
      { code: 'VA', name: 'Vatican', population: null },
      { code: 'XX', name: '', population: '1' },
    ]);
    expect(load('courses.json')).toHaveLength(2);
  });

  it('names the file and line of invalid JSON', () => {
    expect(() => load('broken')).toThrow(/^fixtures\/broken\.json:3:\d+: invalid JSON: /);
    expect(() => load('truncated')).toThrow(/^fixtures\/truncated\.json:2:\d+: invalid JSON/);
    expect(() => load('scalar')).toThrow('fixtures/scalar.json:3:1: element 1 is not an object');
  });

  it('names the file and line of a CSV row with the wrong number of columns', () => {
    expect(() => load('ragged')).toThrow(/^fixtures\/ragged\.csv:3: invalid CSV: .*columns/);
  });

  it('refuses a missing or ambiguous name', () => {
    expect(() => load('nope')).toThrow('fixture "nope" not found: looked for fixtures/nope.json, fixtures/nope.csv');
    expect(() => load('both')).toThrow(/ambiguous: fixtures\/both\.json and fixtures\/both\.csv/);
  });
});

describe('seed files', () => {
  const dir = folder({
    'seeds/common/02_b.ts': '',
    'seeds/common/01_a.sql': '',
    'seeds/common/README.md': '',
    'seeds/development/01_users.ts': '',
    'seeds/development/types.d.ts': '',
    'seeds/test/01_exact.js': '',
  });
  const seeds = path.join(dir, 'seeds');
  const names = (env: string) => listSeedFiles(seeds, env).map((f) => f.name);

  it('runs common first, then the environment, each in name order', () => {
    expect(names('development')).toEqual(['common/01_a', 'common/02_b', 'development/01_users']);
    expect(names('test')).toEqual(['common/01_a', 'common/02_b', 'test/01_exact']);
    expect(names('production')).toEqual(['common/01_a', 'common/02_b']);
  });

  it('--only matches the full name or the file name, keeps the order, and refuses an unknown name', () => {
    const files = listSeedFiles(seeds, 'development');
    expect(selectSeeds(files, ['01_users', 'common/01_a']).map((f) => f.name)).toEqual(['common/01_a', 'development/01_users']);
    expect(selectSeeds(files, ['02_b.ts']).map((f) => f.name)).toEqual(['common/02_b']);
    expect(() => selectSeeds(files, ['nope'])).toThrow('no seed named "nope" for this environment');
  });

  it('refuses two files with one name', () => {
    const clash = folder({ 'seeds/common/01_a.ts': '', 'seeds/common/01_a.sql': '' });
    expect(() => listSeedFiles(path.join(clash, 'seeds'), 'development')).toThrow(/two seed files share the name "common\/01_a"/);
  });

  it('seed new numbers the file after the folder\'s highest and defaults to common', () => {
    const made = folder({ 'seeds/dev/07_x.ts': '' });
    const first = createSeedFile({ dir: path.join(made, 'seeds'), name: 'Ref Data' });
    expect(path.relative(made, first)).toBe(path.join('seeds', 'common', '01_ref_data.ts'));
    expect(fs.readFileSync(first, 'utf8')).toContain('export async function seed(ctx: SeedContext)');
    expect(path.basename(createSeedFile({ dir: path.join(made, 'seeds'), name: 'more', env: 'dev' }))).toBe('08_more.ts');
    expect(() => createSeedFile({ dir: path.join(made, 'seeds'), name: 'bad name!' })).toThrow(/invalid seed name/);
  });
});

import { summaryConfig } from '../../src/config/props.js';
import fs from 'node:fs';
import { sql } from 'kysely';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { runSeeds, seedConfig, summarizeTables, type SeedRunOptions, type SeedRunReport } from '../../src/seed/index.js';
import { freshDatabase, type Backend } from '../helpers/backends.js';
import { tempProject, writeFiles } from '../helpers/cli.js';

/** The seed engine's own fixture schema: every column type the COPY writer handles, and an odd name. */
export const SCHEMA = `
create table authors (id uuid primary key, name text not null, email text unique, born date, tags text[], meta jsonb, score float8, created_at timestamptz not null default now());
create table books (id uuid primary key, author_id uuid not null references authors (id), title text not null, pages int check (pages > 0));
create table ref_countries (code text primary key, name text not null, population bigint);
create table "Odd ""Table""" (id int primary key, "Value" text);
`;

export const PROJECT: Record<string, string> = {
  'fixtures/countries.csv': 'code,name,population\nFR,France,68000000\nVA,Vatican City,\n',
  'seeds/common/01_countries.ts': `export const fixtures = { countries: { table: 'ref_countries' } };\n`,
  'seeds/common/02_authors.ts': `import type { SeedContext } from 'dbctl';
export async function seed(ctx: SeedContext) {
  function* rows() {
    for (let i = 0; i < 5 * ctx.scale; i++) {
      yield { id: ctx.id('authors', i), name: ctx.faker.person.fullName(), email: 'a' + i + '@example.org', born: ctx.faker.date.birthdate(),
              tags: [ctx.faker.word.noun(), 'with "quotes", commas'], meta: { i, words: ctx.faker.lorem.words(3) }, score: ctx.faker.number.float(), created_at: ctx.faker.date.past() };
    }
  }
  await ctx.upsert('authors', rows(), { total: 5 * ctx.scale });
}
`,
  'seeds/development/03_books.ts': `export async function seed(ctx) {
  const rows = [];
  for (let i = 0; i < 5 * ctx.scale; i++) for (let b = 0; b < 2; b++) {
    rows.push({ id: ctx.id('books', i + '/' + b), author_id: ctx.id('authors', i), title: ctx.faker.lorem.words(4), pages: ctx.faker.number.int({ min: 10, max: 900 }) });
  }
  await ctx.upsert('books', rows);
}
`,
  'seeds/development/04_odd.sql': `insert into "Odd ""Table""" (id, "Value") values (1, 'tab\there')\non conflict (id) do nothing;\n`,
  'seeds/test/03_marker.ts': `export async function seed(ctx) { await ctx.upsert('ref_countries', [{ code: 'TS', name: 'Test only', population: 1 }]); }\n`,
};

export interface SeedProject {
  cwd: string;
  url: string;
  database: Database;
  config: ResolvedConfig;
  seed(options?: Partial<SeedRunOptions>): Promise<SeedRunReport>;
  digests(): Promise<Record<string, string>>;
  counts(): Promise<Record<string, number>>;
  write(files: Record<string, string>): void;
  remove(rel: string): void;
}

/** A fresh database with SCHEMA, a project folder with `files`, and shortcuts to seed and inspect it. */
export async function seedProject(backend: Backend, files: Record<string, string> = PROJECT, schema = SCHEMA): Promise<SeedProject> {
  const t = await freshDatabase(backend);
  const cwd = tempProject(files);
  const database = await openDatabase({ url: t.url, cwd });
  closers.push(() => database.close());
  await sql.raw(schema).execute(await database.kysely());
  const config = await resolveConfig({ cwd, url: t.url, environ: {} });
  const summary = async () => summarizeTables(await database.kysely(), summaryConfig(config), { digest: true });
  return {
    cwd,
    url: t.url,
    database,
    config,
    seed: (options = {}) => runSeeds({ database, ...seedConfig(config), ...options }),
    digests: async () => Object.fromEntries((await summary()).map((s) => [s.table, s.digest!])),
    counts: async () => Object.fromEntries((await summary()).map((s) => [s.table, s.rows])),
    write: (more) => writeFiles(cwd, more),
    remove: (rel) => fs.rmSync(`${cwd}/${rel}`),
  };
}

const closers: Array<() => Promise<void>> = [];
/** Close every database the test opened (before freshDatabase's afterEach drops them). */
export async function closeAll(): Promise<void> {
  while (closers.length) await closers.pop()!();
}

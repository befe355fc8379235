import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { BIN, ROOT, envWithout, runCli, tempProject, diagnostics } from '../../helpers/cli.js';
import { PROJECT, SCHEMA } from '../../seed/helpers.js';

const FILES = { ...PROJECT, 'migrations/001_schema.sql': `-- migrate:up\n${SCHEMA}\n-- migrate:down\n` };

describe.each(backends)('dbctl seed (CLI) on $name', (backend) => {
  /** A migrated project on a fresh database (migrated in this process: tests/helpers/argv.ts). */
  const migrated = async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject(FILES);
    const env = { DATABASE_URL: t.url };
    expect((await runArgv(['migrate', 'up'], { cwd, env })).code).toBe(0);
    return { t, cwd, env };
  };

  it('seeds and reports per seed under --json; a second run changes nothing (the binary, end to end)', async () => {
    const { cwd, env } = await migrated();
    const first = await runCli(['seed', '--json'], { cwd, env });
    expect(first.code).toBe(0);
    expect(diagnostics(first.stderr)).toBe('');
    const report = first.json();
    expect(report).toMatchObject({ ok: true, env: 'development', seed: 42, scale: 1, dryRun: false });
    expect(report.seeds[1]).toMatchObject({ name: 'common/02_authors', file: 'seeds/common/02_authors.ts', tables: { authors: { inserted: 5, updated: 0 } } });
    expect(typeof report.seeds[1].durationMs).toBe('number');

    const human = await runArgv(['seed'], { cwd, env });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('seeded common/02_authors');
    expect(human.stdout).toMatch(/4 seed\(s\) in \d+ ms \(environment development, seed 42, scale 1\): no rows changed/);
    const summary = await runArgv(['summary', '--json'], { cwd, env });
    expect(summary.json().tables.map((x: any) => [x.table, x.rows])).toEqual([['Odd "Table"', 1], ['authors', 5], ['books', 10], ['ref_countries', 2]]);
  });

  it('refuses a protected environment (exit 5) unless forced and confirmed', async () => {
    const { t, cwd, env } = await migrated();
    const refused = await runArgv(['seed', '--env', 'production', '--json'], { cwd, env });
    expect(refused.code).toBe(5);
    expect(refused.json().error.code).toBe('protected');
    const database = backend.name === 'pg' ? t.name : path.basename(t.url);
    const forced = await runArgv(['seed', '--env', 'production', '--force', '--confirm', database], { cwd, env });
    expect(diagnostics(forced.stderr)).toBe('');
    expect(forced.code).toBe(0);
  });

  it('names a failing seed with file:line:col and the line (exit 1)', async () => {
    const { cwd, env } = await migrated();
    fs.writeFileSync(path.join(cwd, 'seeds/development/05_boom.ts'), "export async function seed(ctx) {\n  await ctx.upsert('ref_countries', [{ code: 'ZZ', name: 'gone' }]);\n  throw new Error('no more');\n}\n");
    const failed = await runArgv(['seed'], { cwd, env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('error: seeds/development/05_boom.ts:3:9: seed development/05_boom failed: no more');
    expect(failed.stderr).toContain("3 |   throw new Error('no more');");
  });

  it('an unknown --only is a usage error (exit 2)', async () => {
    const { cwd, env } = await migrated();
    const unknown = await runArgv(['seed', '--only', 'nope'], { cwd, env });
    expect(unknown.code).toBe(2);
  });
});

describe('dbctl seed new', () => {
  it('scaffolds into seeds/common, or the environment given', async () => {
    const cwd = tempProject({});
    expect((await runArgv(['seed', 'new', 'reference data'], { cwd })).stdout).toBe(`created ${path.join('seeds', 'common', '01_reference_data.ts')}\n`);
    const made = await runArgv(['seed', 'new', 'users', '--env', 'staging', '--json'], { cwd });
    expect(made.json()).toEqual({ ok: true, file: path.join('seeds', 'staging', '01_users.ts') });
  });
});

describe('progress bar', () => {
  it('stays silent under --json even on a terminal, and without a terminal', async () => {
    const cwd = tempProject({
      'migrations/001.sql': '-- migrate:up\ncreate table t (id int primary key, v text);\n-- migrate:down\n',
      'seeds/common/01_many.ts': "export async function seed(ctx) {\n  function* rows() { for (let i = 0; i < 150000; i++) yield { id: i, v: 'row ' + i }; }\n  await ctx.insert('t', rows(), { total: 150000 });\n}\n",
    });
    expect((await runArgv(['migrate', 'up'], { cwd })).code).toBe(0);
    // `script` gives the command a pseudo-terminal: stdout and stderr both end up in its output.
    const onTty = spawnSync('script', ['-qec', `${process.execPath} ${BIN} seed --json`, '/dev/null'], { cwd, env: envWithout(['DATABASE_URL', 'NODE_ENV', 'DBCTL_ENV'], { NO_COLOR: '1' }), encoding: 'utf8' });
    expect(onTty.status).toBe(0);
    expect(onTty.stdout).not.toContain('rows/s');
    expect(JSON.parse(onTty.stdout).totals).toEqual({ t: { inserted: 150000, updated: 0, deleted: 0 } });

    const piped = await runCli(['seed', '--only', '01_many'], { cwd, env: {} });
    expect(piped.code).toBe(1); // duplicate keys this time: plain insert
    expect(piped.stderr).not.toContain('rows/s');
  });
});

describe('quick start on the embedded default', () => {
  it('migrates, seeds and summarises the example, and a second run changes nothing', async () => {
    const cwd = tempProject({});
    for (const dir of ['migrations', 'seeds', 'fixtures']) fs.cpSync(path.join(ROOT, dir), path.join(cwd, dir), { recursive: true });
    // The first run through the binary, end to end; the second in this process (tests/helpers/argv.ts).
    const run = async (cli: typeof runCli) => {
      for (const args of [['migrate', 'up'], ['seed']]) {
        const r = await cli(args, { cwd });
        expect(diagnostics(r.stderr)).toBe('');
        expect(r.code).toBe(0);
      }
      const summary = await cli(['summary', '--json', '--digest'], { cwd });
      expect(summary.code).toBe(0);
      return summary.json();
    };
    const first = await run(runCli);
    expect(first.database).toBe(`embedded PGlite at ${fs.realpathSync(cwd)}/.dbctl/pglite`.replace(fs.realpathSync(cwd), cwd));
    expect(Object.fromEntries(first.tables.map((t: any) => [t.table, t.rows]))).toMatchObject({ users: 10, courses: 2, documents: 50, interactions: 100 });
    const second = await run(runArgv);
    expect(second).toEqual(first);
    const human = await runArgv(['summary'], { cwd });
    expect(human.stdout).toMatch(/^interactions\s+100$/m);
  });
});

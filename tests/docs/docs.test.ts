/**
 * Docs that run: the code blocks a user copies from README.md and docs/*.md (marked
 * `<!-- doc-test: NAME -->`) and the commands in their shell blocks and in docs/ci-github-actions.yml are executed or parsed
 * here, so none of them can rot unnoticed. Runs against the built package (dist/), as a user's
 * project would import it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CommanderError, type Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { openDatabase } from '../../src/driver/database.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { runSeeds, seedConfig } from '../../src/seed/index.js';
import { ROOT, writeFiles } from '../helpers/cli.js';
// A plain .mjs helper, shared with .ci/smoke-node.sh.
import { docBlocks } from '../../scripts/doc-blocks.mjs';

/** The docs a user reads: README.md and docs/*.md, by path from the repository root. */
const DOCS: Map<string, string> = new Map(
  ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)].map((file) => [file, fs.readFileSync(path.join(ROOT, file), 'utf8')]),
);
const WORKFLOW = fs.readFileSync(path.join(ROOT, 'docs/ci-github-actions.yml'), 'utf8');
/** Every marked block of every doc, by name: a name is unique across the docs. */
const blocks = new Map<string, { file: string; lang: string; code: string; line: number }>();
for (const [file, text] of DOCS) {
  for (const [name, found] of docBlocks(text) as Map<string, { lang: string; code: string; line: number }>) {
    if (blocks.has(name)) throw new Error(`${file}:${found.line}: doc-test "${name}" is also in ${blocks.get(name)!.file}`);
    blocks.set(name, { file, ...found });
  }
}
const block = (name: string) => {
  const found = blocks.get(name);
  if (!found) throw new Error(`no doc (README.md, docs/*.md) has a <!-- doc-test: ${name} --> block`);
  return found.code;
};

/** A project folder whose node_modules has what an installed project has (dbctl links to this repository). */
function project(files: Record<string, string>, modules = ['kysely']): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-docs-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules/dbctl'), 'dir');
  for (const m of modules) fs.symlinkSync(path.join(ROOT, 'node_modules', m), path.join(dir, 'node_modules', m), 'dir');
  writeFiles(dir, files);
  return dir;
}

/** A child environment without this test run's own variables. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  for (const key of Object.keys(env)) if (/^(VITEST|TEST_|DATABASE_URL$|DBCTL_|NODE_ENV$|NODE_OPTIONS$)/.test(key) && !(key in extra)) delete env[key];
  return env;
}

describe('code blocks of README.md and docs/*.md', () => {
  it('every doc-test block is there', () => {
    expect([...blocks.keys()].sort()).toEqual(['config', 'library-api', 'migration-sql', 'migration-ts', 'seed', 'vitest-setup']);
  });

  it('the config block resolves: the test environment\'s URL, production protected', async () => {
    const cwd = project({ 'dbctl.config.ts': block('config') });
    process.env.PROD_DATABASE_URL = 'postgres://app@db.internal:5432/app'; // read when the file loads
    try {
      const test = await resolveConfig({ cwd, env: 'test' });
      expect(test.url).toBe('postgres://postgres@localhost:5432/app_test');
      expect(test.migrations.dir).toBe(path.join(cwd, 'migrations'));
      const production = await resolveConfig({ cwd, env: 'production' });
      expect(production).toMatchObject({ protected: true, url: 'postgres://app@db.internal:5432/app' });
    } finally {
      delete process.env.PROD_DATABASE_URL;
    }
  });

  it('the library API block runs as a script on the embedded database, with the TS migration block', () => {
    const cwd = project({ 'migrations/001_users.ts': block('migration-ts'), 'seeds/common/.gitkeep': '', 'api.ts': block('library-api') });
    const register = pathToFileURL(path.join(ROOT, 'node_modules/jiti/lib/jiti-register.mjs')).href;
    const run = spawnSync(process.execPath, ['--import', register, 'api.ts'], { cwd, env: childEnv(), encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('done'); // onEvent: the migration's events
    expect(run.stdout).toMatch(/total: 1,\s+applied: 1/);
  });

  it('the SQL migration block goes up and down; the seed block fills its table, deterministically', async () => {
    const cwd = project({ 'migrations/001_users.sql': block('migration-sql'), 'seeds/common/01_users.ts': block('seed') });
    const config = await resolveConfig({ cwd, url: `pglite://${path.join(cwd, '.dbctl/pglite')}` }); // a copy of the prepared image: faster than memory
    const database = await openDatabase({ url: config.url, cwd });
    try {
      const migrator = new Migrator({ database, ...migratorConfig(config) });
      expect((await migrator.up()).results.map((r) => r.status)).toEqual(['success']);
      // The seed block writes two columns the SQL block's table lacks: a project adds them in a migration.
      await database.query('alter table users add column display_name text, add column created_at timestamptz');
      const report = await runSeeds({ database, ...seedConfig(config) });
      expect(report.totals.users.inserted).toBe(10);
      const again = await runSeeds({ database, ...seedConfig(config) });
      expect(again.totals.users ?? { inserted: 0, updated: 0 }).toMatchObject({ inserted: 0, updated: 0 });
      await database.query('alter table users drop column display_name, drop column created_at');
      expect((await migrator.down()).results.map((r) => r.status)).toEqual(['success']);
      expect((await database.query("select to_regclass('users') as t")).rows[0].t).toBeNull();
    } finally {
      await database.close();
    }
  });

  it('the Vitest setup works on the pinned Vitest: a clone per file, dropped, and kept when a test failed', () => {
    const setup = block('vitest-setup');
    const cwd = project(
      {
        'migrations/001_users.ts': block('migration-ts'),
        'vitest.setup.ts': setup,
        'vitest.config.ts': "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { setupFiles: ['vitest.setup.ts'], include: ['t/*.test.ts'], hookTimeout: 120_000 } });\n",
        't/pass.test.ts': "import { expect, it } from 'vitest';\nit('has a database', () => expect(process.env.DATABASE_URL).toMatch(/dbctl_test_/));\n",
        't/fail.test.ts': "import { expect, it } from 'vitest';\nit('fails on purpose', () => expect(1).toBe(2));\n",
      },
      ['kysely', 'vitest'],
    );
    const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd,
      env: childEnv({ DBCTL_KEEP_TEST_DB: 'on-failure' }),
      encoding: 'utf8',
      timeout: 240_000,
    });
    const output = run.stdout + run.stderr;
    expect(output).not.toContain('FixtureParseError');
    expect(output).toMatch(/1 failed \| 1 passed/);
    expect(run.status).toBe(1);
    // The failing file's clone is kept (and its URL printed); the passing file's is dropped.
    expect(output).toMatch(/dbctl: kept test database dbctl_test_\w+/);
    const left = fs.readdirSync(path.join(cwd, '.dbctl/testdb')).filter((f) => f.startsWith('dbctl_test_'));
    expect(left).toHaveLength(1);
  });

  it("the CI workflow's commented setup is docs/testing.md's", () => {
    const commented = /^# Each test file gets its own database[\s\S]*?\n((?:#   .*\n)+)/m.exec(WORKFLOW)?.[1];
    expect(commented).toBeDefined();
    const code = (text: string) => text.replace(/^#   /gm, '').replace(/\/\/[^\n]*/g, '').replace(/\s+/g, ' ').trim();
    expect(code(commented!)).toBe(code(block('vitest-setup')));
  });
});

describe('commands in the docs', () => {
  const invocations = [
    ...[...DOCS].flatMap(([file, text]) => shellBlocks(text).flatMap((b) => dbctlCommands(b.code).map((args) => ({ where: `${file}:${b.line}`, args })))),
    ...runSteps(WORKFLOW).flatMap((step) => dbctlCommands(step).map((args) => ({ where: 'docs/ci-github-actions.yml', args }))),
  ];

  it('finds the commands of the docs and the CI workflow', () => {
    const workflow = invocations.filter((i) => i.where === 'docs/ci-github-actions.yml').map((i) => i.args.slice(0, 2).join(' '));
    // Each guide shows commands; a doc whose shell blocks went missing would pass the check below with nothing checked.
    const files = new Set(invocations.map((i) => i.where.split(':')[0]));
    expect([...files].sort()).toEqual(expect.arrayContaining(['README.md', 'docs/migrations.md', 'docs/seeds.md', 'docs/testing.md', 'docs/backups.md', 'docs/schema.md', 'docs/fleets.md', 'docs/typegen.md']));
    expect(workflow).toEqual(expect.arrayContaining(['db wait', 'migrate up', 'typegen --check', 'doctor', 'testdb create', 'testdb list']));
    expect(invocations.length).toBeGreaterThan(25);
  });

  it('the check refuses what dbctl refuses', async () => {
    expect(await parseOnly(['migrate', 'up', '--nope'])).toMatch(/unknown option '--nope'/);
    expect(await parseOnly(['migrate', 'sideways'])).toMatch(/unknown command|too many arguments/);
    expect(await parseOnly(['migrate', 'baseline'])).toMatch(/missing required argument/);
  });

  it('each one is a command dbctl accepts (subcommands, options, arguments)', async () => {
    const refused: string[] = [];
    for (const { where, args } of invocations) {
      const error = await parseOnly(args);
      if (error) refused.push(`${where}: dbctl ${args.join(' ')}: ${error}`);
    }
    expect(refused).toEqual([]);
  });
});

/** Parses argv with every action replaced by a no-op: what commander accepts, nothing run. */
async function parseOnly(args: string[]): Promise<string | undefined> {
  const program = buildProgram();
  let message = '';
  const quiet = (c: Command) => {
    c.configureOutput({ writeOut: () => {}, writeErr: (s) => void (message += s), outputError: (s) => void (message += s) });
    c.exitOverride();
    c.action(() => {});
    c.commands.forEach(quiet);
  };
  quiet(program);
  try {
    await program.parseAsync(args, { from: 'user' });
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError && ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) return undefined;
    return (message || String(error)).trim().split('\n')[0];
  }
}

function shellBlocks(markdown: string): { code: string; line: number }[] {
  const out: { code: string; line: number }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(sh|bash|console)$/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.findIndex((l, k) => k > i && l.startsWith('```'));
    const body = lines.slice(i + 1, end);
    // A console block's commands are its `$ ` lines; its other lines are output.
    out.push({ code: (fence[1] === 'console' ? body.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2)) : body).join('\n'), line: i + 1 });
    i = end;
  }
  return out;
}

/** The `run:` commands of a workflow (one-line and `run: |` blocks). */
function runSteps(yaml: string): string[] {
  const steps: string[] = [];
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(?:- )?run:\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    if (m[2] !== '|' && m[2] !== '>') {
      steps.push(m[2]);
      continue;
    }
    const body: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1].trim() === '' || /^\s+/.exec(lines[i + 1])![0].length > m[1].length)) body.push(lines[++i].trim());
    steps.push(body.join('\n'));
  }
  return steps;
}

/** The arguments of every `dbctl …`, `npx dbctl …` or `node bin/dbctl.js …` in a shell script. */
function dbctlCommands(script: string): string[][] {
  const commands: string[][] = [];
  for (const line of script.split('\n')) {
    if (line.trim().startsWith('#')) continue;
    for (const segment of line.replace(/\s#\s.*$/, '').split(/&&|\|\||;|\|/)) {
      // The command word: after any VAR=value assignments and `npx`; `node …/dbctl.js` counts too.
      const words = shellWords(segment);
      let at = 0;
      while (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[at] ?? '') || words[at] === 'npx') at++;
      if (words[at] === 'node' && words[at + 1]?.endsWith('dbctl.js')) at++;
      else if (words[at] !== 'dbctl') continue;
      const args: string[] = [];
      for (const w of words.slice(at + 1)) {
        if (/^\d?[<>]/.test(w)) break; // a redirection ends the command's arguments
        args.push(w);
      }
      commands.push(args);
    }
  }
  return commands;
}

function shellWords(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

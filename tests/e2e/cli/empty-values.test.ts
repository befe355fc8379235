import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/program.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { openDatabase } from '../../../src/driver/database.js';
import { parseTarget } from '../../../src/driver/target.js';
import { runArgv } from '../../helpers/argv.js';
import { runCli, tempProject } from '../../helpers/cli.js';

/**
 * An empty value is never "not given" (issue 29, item 1): `--url "$STAGING_URL"` or
 * `-e "$DEPLOY_ENV"` with the variable unset is a usage error naming the option, not a run against
 * DATABASE_URL, `.env` or the embedded database. The cases are generated from the command tree, so
 * an option or argument added tomorrow is tried too.
 */

interface Case {
  /** The command's words, e.g. ['migrate', 'up']. */
  path: string[];
  /** Values for the command's required arguments, so only the blank is wrong. */
  args: string[];
  flag: string;
  /** What the message must name. */
  names: string;
}

function commands(command: Command, words: string[] = []): Array<{ command: Command; words: string[] }> {
  return [{ command, words }, ...command.commands.flatMap((c) => commands(c, [...words, c.name()]))];
}

const tree = commands(buildProgram());
const requiredArgs = (command: Command) => command.registeredArguments.filter((a) => a.required).map((a) => (a.argChoices ? a.argChoices[0] : 'x'));

const optionCases: Case[] = tree.flatMap(({ command, words }) =>
  command.options
    .filter((o) => o.required || o.optional)
    .flatMap((o) => [o.long, o.short].filter((f): f is string => !!f).map((flag) => ({ path: words, args: requiredArgs(command), flag, names: o.long ?? flag }))),
);

const argumentCases = tree.flatMap(({ command, words }) =>
  command.registeredArguments.map((argument, i) => ({
    path: words,
    // Every argument before this one gets a real value; this one is blank.
    args: command.registeredArguments.slice(0, i).map((a) => (a.argChoices ? a.argChoices[0] : 'x')),
    name: argument.name(),
  })),
);

describe('every option that takes a value refuses an empty one (generated from the command tree)', () => {
  it('the tree has the options this test is about', () => {
    const flags = optionCases.map((c) => [...c.path, c.flag].join(' '));
    for (const f of ['--url', '-e', '--config', 'restore --into', 'migrate up --to', 'reset --keep', 'fleet --fleet']) expect(flags).toContain(f);
    expect(optionCases.length).toBeGreaterThan(70);
  });

  it.each(optionCases.map((c) => [[...c.path, c.flag].join(' '), c] as const))('dbctl %s ""', async (_name, c) => {
    const cwd = tempProject({ 'migrations/.keep': '', 'seeds/common/.keep': '' });
    for (const [form, argv] of [
      ['empty', [...c.path, ...c.args, c.flag, '']],
      ['blank', [...c.path, ...c.args, c.flag, '  ']],
      ...(c.flag.startsWith('--') ? [['--flag=', [...c.path, ...c.args, `${c.flag}=`]] as const] : []),
    ] as const) {
      const r = await runArgv([...argv], { cwd });
      expect(r.code, `${form}: dbctl ${argv.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(c.names);
      expect(r.stderr).toMatch(/empty value|only whitespace/);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    const json = await runArgv([...c.path, ...c.args, c.flag, '', '--json'], { cwd });
    expect(json.code).toBe(2);
    expect(json.json()).toMatchObject({ ok: false, error: { code: 'usage', message: expect.stringContaining(c.names) } });
    expect(fs.existsSync(path.join(cwd, '.dbctl'))).toBe(false); // nothing was opened
  });

  it.each(argumentCases.map((c) => [[...c.path, `<${c.name}>`].join(' '), c] as const))('dbctl %s given ""', async (_name, c) => {
    const cwd = tempProject({ 'migrations/.keep': '', 'seeds/common/.keep': '' });
    const r = await runArgv([...c.path, ...c.args, ''], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`argument '${c.name}' was given an empty value|'' is invalid for argument '${c.name}'`));
    expect(fs.existsSync(path.join(cwd, '.dbctl'))).toBe(false);
  });
});

describe('a variable that is set but empty is refused where it would be read', () => {
  const config = `export default { environments: { staging: { url: 'postgres://stage@h/stage' } } };`;

  it('DATABASE_URL, empty in the environment or in a more specific .env file, never falls through', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': config, '.env': 'DATABASE_URL=postgres://dev@h/dev\n' });
    for (const [environ, where] of [[{ DATABASE_URL: '' }, 'in the environment'], [{ DATABASE_URL: '  ' }, 'in the environment']] as const) {
      await expect(resolveConfig({ cwd, environ })).rejects.toMatchObject({ code: 'env_var_empty', message: expect.stringContaining(`DATABASE_URL is set but empty (${where})`) });
    }
    fs.writeFileSync(path.join(cwd, '.env.local'), 'DATABASE_URL=\n');
    await expect(resolveConfig({ cwd, environ: {} })).rejects.toMatchObject({ code: 'env_var_empty', message: expect.stringContaining('(in .env.local)') });
    // Where DATABASE_URL would not be read, it does not matter: a flag, the environment's own url,
    // a command that opens no database.
    expect((await resolveConfig({ cwd, url: 'postgres://flag@h/f', environ: { DATABASE_URL: '' } })).urlSource).toBe('flag');
    expect((await resolveConfig({ cwd, env: 'staging', environ: { DATABASE_URL: '' } })).urlSource).toBe('environment');
    expect((await resolveConfig({ cwd, database: false, environ: { DATABASE_URL: '' } })).url).toBeUndefined();
  });

  it('DBCTL_ENV, NODE_ENV, DBCTL_CONFIG and the DBCTL_* settings', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': config });
    for (const key of ['DBCTL_ENV', 'NODE_ENV', 'DBCTL_CONFIG', 'DBCTL_MIGRATIONS_DIR', 'DBCTL_LOCK_TIMEOUT', 'DBCTL_CONNECT_TIMEOUT', 'PG_DUMP']) {
      await expect(resolveConfig({ cwd, environ: { [key]: '' } }), key).rejects.toMatchObject({ code: 'env_var_empty', message: expect.stringContaining(key) });
    }
    // Not read when a flag decides.
    expect((await resolveConfig({ cwd, env: 'staging', environ: { DBCTL_ENV: '' } })).env).toBe('staging');
  });

  it('an empty url, env or config from a library caller, and a config value that is empty', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': config });
    for (const overrides of [{ url: '' }, { env: ' ' }, { configFile: '' }]) {
      await expect(resolveConfig({ cwd, environ: {}, ...overrides })).rejects.toMatchObject({ code: 'usage', message: expect.stringMatching(/is empty/) });
    }
    const top = tempProject({ 'dbctl.config.ts': 'export default { url: process.env.UNSET_TOP_LEVEL_URL };' });
    await expect(resolveConfig({ cwd: top, environ: {} })).rejects.toMatchObject({ code: 'env_url_empty', message: expect.stringContaining('top-level url') });
    const dir = tempProject({ 'dbctl.config.json': JSON.stringify({ migrations: { dir: '' }, testdb: { prefix: 'x' } }) });
    await expect(resolveConfig({ cwd: dir, environ: {} })).rejects.toMatchObject({ message: expect.stringContaining('migrations.dir is empty') });
    const keep = tempProject({ 'dbctl.config.json': JSON.stringify({ reset: { keep: ['a', ' '] } }) });
    await expect(resolveConfig({ cwd: keep, environ: {} })).rejects.toMatchObject({ message: expect.stringContaining('reset.keep holds an empty entry') });
  });

  it('an empty URL is not the embedded default, wherever a URL is parsed (a fleet member, openDatabase, restore --into)', async () => {
    const cwd = tempProject({});
    for (const url of ['', ' ']) expect(() => parseTarget(url, cwd)).toThrow(/empty database URL/);
    await expect(openDatabase({ url: '', cwd })).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('empty database URL') });
    expect(parseTarget(undefined, cwd).kind).toBe('pglite'); // none at all is the embedded default
    expect(fs.existsSync(path.join(cwd, '.dbctl'))).toBe(false);
  });
});

/** The scenarios of the issue, through the binary: the process is the thing under test. */
describe('the reported runs (spawned)', () => {
  it('reset --url "" with .env naming a database does not touch it', async () => {
    const cwd = tempProject({ 'migrations/001_a.sql': '-- migrate:up\ncreate table a (id int);\n', 'seeds/common/.keep': '', '.env': 'DATABASE_URL=pglite://devdb\n' });
    const r = await runCli(['--url', '', 'reset', '--force'], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("option '--url <url>' was given an empty value");
    expect(r.stderr).not.toMatch(/^target:/m);
    expect(fs.existsSync(path.join(cwd, 'devdb'))).toBe(false);
    expect(fs.existsSync(path.join(cwd, '.dbctl'))).toBe(false);
  });

  it('DATABASE_URL="" migrate up --json is refused, not ok against the embedded database', async () => {
    const cwd = tempProject({ 'migrations/001_a.sql': '-- migrate:up\ncreate table a (id int);\n' });
    const r = await runCli(['migrate', 'up', '--json'], { cwd, env: { DATABASE_URL: '' } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'env_var_empty', message: expect.stringContaining('DATABASE_URL is set but empty') } });
    expect(fs.existsSync(path.join(cwd, '.dbctl'))).toBe(false);
  });

  it('-e "" with DATABASE_URL set does not run as development', async () => {
    const cwd = tempProject({ 'migrations/.keep': '', 'seeds/common/.keep': '' });
    const r = await runCli(['-e', '', 'reset', '--json'], { cwd, env: { DATABASE_URL: 'pglite://devdb' } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.json().error.message).toContain("option '-e, --env <name>' was given an empty value");
    expect(fs.existsSync(path.join(cwd, 'devdb'))).toBe(false);
  });
});

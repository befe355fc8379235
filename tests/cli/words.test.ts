import { describe, expect, it } from 'vitest';
import { runArgv } from '../helpers/argv.js';
import { tempProject } from '../helpers/cli.js';
import { buildProgram } from '../../src/cli/program.js';
import type { Command } from 'commander';

describe("kysely-ctl's words that dbctl does not alias", () => {
  it.each([
    [['migrate:latest'], 'migrate up'],
    [['migrate:up'], 'migrate up --step 1'],
    [['migrate:down'], 'migrate down'],
    [['migrate:rollback', '--all'], 'migrate down'],
    [['migrate:list'], 'migrate status'],
    [['migrate:make', 'add_users'], 'migrate new <name>'],
    [['seed:run'], 'seed'],
    [['seed:make', 'users'], 'seed new <name>'],
    [['seed', 'run'], 'seed'],
    [['seed', 'make', 'users'], 'seed new <name>'],
  ])('%j names dbctl\'s word: one line, exit 2', async (args, ours) => {
    const result = await runArgv(args, { cwd: tempProject() });
    expect(result.code).toBe(2);
    const theirs = args[0] === 'seed' ? `seed ${args[1]}` : args[0];
    expect(result.stderr).toBe(`error: '${theirs}' is kysely-ctl's word; dbctl's word is 'dbctl ${ours}'\n`);
  });

  it('under --json the one document says so', async () => {
    const result = await runArgv(['--json', 'seed', 'run'], { cwd: tempProject() });
    expect(result.code).toBe(2);
    expect(result.json()).toMatchObject({ ok: false, error: { code: 'usage', message: expect.stringContaining("dbctl's word is 'dbctl seed'") } });
  });

  it('they stay out of --help and of the command list', async () => {
    const help = await runArgv(['--help'], { cwd: tempProject() });
    expect(help.stdout).not.toContain('migrate:');
    const seedHelp = await runArgv(['seed', '--help'], { cwd: tempProject() });
    expect(seedHelp.stdout).not.toMatch(/^ +(run|make) /m);
  });
});

describe('global options in every command\'s --help', () => {
  it('each subcommand lists --url, --env, --config, --json, --quiet and --connect-timeout', () => {
    const program = buildProgram();
    const leaves: Command[] = [];
    const walk = (c: Command) => {
      const visible = c.commands.filter((s) => !(s as unknown as { _hidden?: boolean })._hidden);
      if (c !== program && !visible.length) leaves.push(c);
      for (const s of visible) walk(s);
    };
    walk(program);
    expect(leaves.length).toBeGreaterThan(20);
    for (const command of leaves) {
      const help = command.helpInformation();
      for (const flag of ['--url <url>', '--env <name>', '--config <file>', '--json', '--quiet', '--connect-timeout']) {
        expect(help, `${command.name()} --help`).toContain(flag);
      }
    }
  });
});

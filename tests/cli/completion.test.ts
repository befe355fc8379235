import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runArgv } from '../helpers/argv.js';
import { ROOT, runCli } from '../helpers/cli.js';

const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

describe('dbctl completion', () => {
  it('bash: the script parses, and completing `dbctl migrate ` offers its subcommands (kysely-ctl words too)', async () => {
    const { code, stdout } = await runCli(['completion', 'bash'], { cwd: ROOT });
    expect(code).toBe(0);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-compl-')), 'dbctl.bash');
    fs.writeFileSync(file, stdout);
    execFileSync('bash', ['-n', file]);
    const complete = (...words: string[]) =>
      execFileSync('bash', ['-c', `source "$0"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _dbctl; echo "\${COMPREPLY[*]}"`, file], { encoding: 'utf8' }).trim().split(' ');
    expect(complete('dbctl', 'migrate', '')).toEqual(expect.arrayContaining(['up', 'latest', 'down', 'rollback', 'status', 'list', 'new', 'make', 'verify']));
    expect(complete('dbctl', 'mig')).toEqual(['migrate']);
    expect(complete('dbctl', '--json', 'migrate', 'up', '--s')).toEqual(['--step', '--single-transaction']);
  });

  it('zsh and fish: scripts for their own completion systems (checked for syntax where the shell is installed)', async () => {
    const zsh = await runArgv(['completion', 'zsh'], { cwd: ROOT });
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toContain('compdef _dbctl dbctl');
    const fish = await runArgv(['completion', 'fish'], { cwd: ROOT });
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain("complete -c dbctl -n '__fish_seen_subcommand_from migrate; and not __fish_seen_subcommand_from up latest");
    for (const [shell, script] of [['zsh', zsh.stdout], ['fish', fish.stdout]]) {
      if (!has(shell)) continue;
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-compl-')), `dbctl.${shell}`);
      fs.writeFileSync(file, script);
      execFileSync(shell, ['-n', file]);
    }
  });

  it('migration names come from `dbctl __complete migrations`; --color and --no-color are global options', async () => {
    const names = await runArgv(['__complete', 'migrations'], { cwd: ROOT });
    expect(names.code, names.stderr).toBe(0);
    expect(names.stdout.split('\n')).toContain('20261122170100_users');
    const plain = await runArgv(['--no-color', 'config'], { cwd: ROOT });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).not.toContain('\x1b[');
    const coloured = await runArgv(['config', '--color'], { cwd: ROOT }); // wins over NO_COLOR=1 (runCli's)
    expect(coloured.code, coloured.stderr).toBe(0);
    expect(coloured.stdout).toContain('\x1b[');
  });
});

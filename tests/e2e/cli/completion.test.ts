import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runArgv } from '../../helpers/argv.js';
import { ROOT, runCli } from '../../helpers/cli.js';

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

  it('bash: files after restore, backup verify and --config/--out; declared environments after -e; the shells after completion', async () => {
    const { stdout } = await runArgv(['completion', 'bash'], { cwd: ROOT });
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-compl-'));
    fs.writeFileSync(path.join(project, 'dbctl.bash'), stdout);
    fs.writeFileSync(path.join(project, 'dbctl.config.json'), JSON.stringify({ environments: { staging: {}, qa: {} } }));
    fs.writeFileSync(path.join(project, 'nightly.dump'), '');
    // COMP_WORDS[0] is how the user called dbctl: the script runs it for `__complete`.
    const complete = (...words: string[]) =>
      execFileSync('bash', ['-c', `source dbctl.bash; COMP_WORDS=(${[path.join(ROOT, 'bin/dbctl.js'), ...words].map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _dbctl; echo "\${COMPREPLY[*]}"`], { cwd: project, encoding: 'utf8' }).trim().split(' ');
    expect(complete('restore', 'n')).toEqual(['nightly.dump']);
    expect(complete('backup', 'verify', 'n')).toEqual(['nightly.dump']);
    expect(complete('--config', 'dbctl.c')).toEqual(['dbctl.config.json']);
    expect(complete('-c', 'dbctl.c')).toEqual(['dbctl.config.json']);
    expect(complete('backup', '--out', 'ni')).toEqual(['nightly.dump']);
    expect(complete('migrate', 'up', '-e', '')).toEqual(['staging', 'qa']);
    expect(complete('--env', 's')).toEqual(['staging']);
    expect(complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('migrate', 'n')).toEqual(['new']); // commands are still commands, not files
  });

  it('`__complete environments` lists the declared environments without resolving one', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-compl-'));
    fs.writeFileSync(path.join(project, 'dbctl.config.json'), JSON.stringify({ environments: { staging: {}, qa: {} } }));
    const names = await runArgv(['-e', 'nope', '__complete', 'environments'], { cwd: project });
    expect(names.code, names.stderr).toBe(0);
    expect(names.stdout).toBe('staging\nqa\n');
  });

  it('zsh and fish: scripts for their own completion systems (checked for syntax where the shell is installed)', async () => {
    const zsh = await runArgv(['completion', 'zsh'], { cwd: ROOT });
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toContain('compdef _dbctl dbctl');
    const fish = await runArgv(['completion', 'fish'], { cwd: ROOT });
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain("complete -c dbctl -n '__fish_seen_subcommand_from migrate; and not __fish_seen_subcommand_from up latest");
    expect(fish.stdout).toContain("complete -c dbctl -n '__fish_seen_subcommand_from restore' -F");
    expect(fish.stdout).toContain("complete -c dbctl -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'");
    expect(fish.stdout).toMatch(/-l env -s e -r -a '\(dbctl __complete environments/);
    expect(fish.stdout).toMatch(/-l config -r -F/);
    expect(zsh.stdout).toContain('__complete environments');
    expect(zsh.stdout).toContain('_files');
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

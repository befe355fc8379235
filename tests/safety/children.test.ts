import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChildStartError, runChild } from '../../src/children.js';
import { ROOT } from '../helpers/cli.js';
import { running, until } from '../helpers/poll.js';

const posix = process.platform !== 'win32';

/** A program that writes its pid to `pidFile`, creates `out`, then sleeps until it is killed. */
function sleeper(dir: string): { args: string[]; pidFile: string; out: string; pid(): number } {
  const pidFile = path.join(dir, 'pid');
  const out = path.join(dir, 'out');
  return { args: ['-c', `: > "${out}"; echo $$ > "${pidFile}.tmp"; mv "${pidFile}.tmp" "${pidFile}"; exec sleep 300`], pidFile, out, pid: () => Number(fs.readFileSync(pidFile, 'utf8')) };
}

describe.runIf(posix)('child programs die with dbctl (src/children.ts)', () => {
  it('runs a program and returns its exit code and output', async () => {
    expect(await runChild('sh', ['-c', 'echo out; echo err >&2; exit 3'])).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    // The program's stdin is /dev/null, not the watchdog's pipe.
    expect((await runChild('sh', ['-c', 'cat; echo done'])).stdout).toBe('done\n');
  });

  it('a program that is not there is a ChildStartError, not an exit code', async () => {
    await expect(runChild('dbctl-no-such-program', [])).rejects.toBeInstanceOf(ChildStartError);
    await expect(runChild('dbctl-no-such-program', [])).rejects.toMatchObject({ errno: 'ENOENT' });
  });

  it('an abort stops the program, removes the file it was writing, and rejects with the reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-child-'));
    const s = sleeper(dir);
    const controller = new AbortController();
    const run = runChild('sh', s.args, { signal: controller.signal, removeOnStop: s.out });
    await until(() => fs.existsSync(s.pidFile), 'the program started');
    const pid = s.pid();
    expect(running(pid)).toBe(true);
    controller.abort(new Error('stop now'));
    await expect(run).rejects.toThrow('stop now');
    expect(running(pid)).toBe(false);
    expect(fs.existsSync(s.out)).toBe(false);
  });

  it('kill -9 of the parent: the program dies and its file is removed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-child-'));
    const s = sleeper(dir);
    const script = `import(${JSON.stringify(path.join(ROOT, 'dist/children.js'))}).then((m) => m.runChild('sh', ${JSON.stringify(s.args)}, { removeOnStop: ${JSON.stringify(s.out)} }))`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    try {
      await until(() => fs.existsSync(s.pidFile), 'the program started');
      const pid = s.pid();
      expect(running(pid)).toBe(true);
      parent.kill('SIGKILL');
      await until(() => !running(pid), `the program (pid ${pid}) was gone`);
      await until(() => !fs.existsSync(s.out), 'its file was removed');
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dataDirOwner, lockDataDir, waitForDataDirLock } from '../../src/driver/pglite/dir-lock.js';
import { openDatabase } from '../../src/driver/database.js';
import { isDbctlError } from '../../src/errors.js';
import { ROOT } from '../helpers/cli.js';

// Other processes take the lock through the built module (`npm run build` first), as dbctl runs do.
const DIST_LOCK = path.join(ROOT, 'dist/driver/pglite/dir-lock.js');

/** A pid no process can have: beyond the kernel's largest pid_max. */
const DEAD_PID = 2 ** 22 + 1;

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});
function tempRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-lock-'));
  roots.push(root);
  return root;
}

function staleLock(dataDir: string, tag: string): void {
  fs.writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: DEAD_PID, host: os.hostname(), since: '2026-01-01T00:00:00Z', nonce: tag }));
}

/** A node process running `code` (an ES module) with the built lock module as `lock`. */
function nodeWith(code: string): ChildProcessWithoutNullStreams {
  const script = `const lock = await import(${JSON.stringify(DIST_LOCK)}); const fs = await import('node:fs');\n${code}`;
  return spawn(process.execPath, ['--input-type=module', '-e', script]);
}

/** Reads a child's stdout line by line; a child that ends instead fails the test with its stderr. */
function lines(child: ChildProcessWithoutNullStreams): () => Promise<string> {
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const reader = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async () => {
    const { value, done } = await reader.next();
    if (done) throw new Error(`the child process ended early: ${stderr}`);
    return value;
  };
}

/**
 * A process that takes the lock on each `{ dir, startAt, timeoutMs, holdMs }` line it is sent, all
 * of them at `startAt` (so they race), and reports whether anyone else held it at the same time:
 * while holding, it creates `<dir>.holder` exclusively, which fails if another holder has it.
 */
const RACER = `
const readline = await import('node:readline');
for await (const line of readline.createInterface({ input: process.stdin })) {
  const { dir, startAt, timeoutMs, holdMs } = JSON.parse(line);
  while (Date.now() < startAt);
  let result;
  try {
    const release = await lock.waitForDataDirLock(dir, { timeoutMs });
    let overlap = false;
    try {
      fs.writeFileSync(dir + '.holder', String(process.pid), { flag: 'wx' });
    } catch {
      overlap = true;
    }
    await new Promise((r) => setTimeout(r, holdMs));
    if (!overlap) fs.rmSync(dir + '.holder');
    release();
    result = { held: true, overlap };
  } catch (error) {
    result = { held: false, code: error.code, message: error.message };
  }
  process.stdout.write(JSON.stringify(result) + '\\n');
}
`;

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  while (children.length) children.pop()!.kill('SIGKILL');
});

describe('embedded database directory lock (embedded only: a server has no directory to lock)', () => {
  it('8 processes taking over one stale lock at once never hold it together (20 trials, and 4 where all wait their turn)', async () => {
    const racers = Array.from({ length: 8 }, () => nodeWith(RACER));
    children.push(...racers);
    const readers = racers.map(lines);
    const root = tempRoot();
    const trial = async (n: number, timeoutMs: number) => {
      const dir = path.join(root, `db${n}`);
      staleLock(dir, `trial-${n}`);
      // Far enough ahead that every racer has read its line and spins until the same moment.
      const order = JSON.stringify({ dir, startAt: Date.now() + 100, timeoutMs, holdMs: 20 });
      for (const racer of racers) racer.stdin.write(`${order}\n`);
      return { dir, results: await Promise.all(readers.map(async (next) => JSON.parse(await next()))) };
    };

    for (let n = 0; n < 20; n++) {
      // Refusing at once: whoever does not win the takeover must see a live holder, never the stale one.
      const { dir, results } = await trial(n, 0);
      expect(results.filter((r) => r.overlap)).toEqual([]);
      expect(results.filter((r) => r.held).length).toBeGreaterThanOrEqual(1);
      for (const r of results.filter((r) => !r.held)) expect(r).toMatchObject({ code: 'database_in_use', message: expect.stringMatching(/in use by another process \(pid \d+/) });
      expect(fs.existsSync(`${dir}.lock`)).toBe(false);
    }
    for (let n = 20; n < 24; n++) {
      // Waiting: all 8 hold it, one after another, each release racing the other waiters.
      const { dir, results } = await trial(n, 60_000);
      expect(results).toEqual(Array(8).fill({ held: true, overlap: false }));
      expect(fs.existsSync(`${dir}.lock`)).toBe(false);
    }
    // Nothing is left behind: no lock, guard or temporary file.
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it.skipIf(process.platform !== 'linux')('a holder that was killed but not yet reaped (a zombie) no longer holds it', async () => {
    const dataDir = path.join(tempRoot(), 'db');
    // The holder's parent becomes `sleep` (exec), which never reaps it: killed, it stays a zombie.
    const holderCode = `lock.lockDataDir(${JSON.stringify(dataDir)}); process.stdout.write(process.pid + '\\n'); process.kill(process.pid, 'SIGKILL');`;
    const script = `const lock = await import(${JSON.stringify(DIST_LOCK)}); ${holderCode}`;
    const parent = spawn('sh', ['-c', `"$0" --input-type=module -e "$1" & exec sleep 600`, process.execPath, script]) as ChildProcessWithoutNullStreams;
    children.push(parent);
    const pid = Number(await lines(parent)());
    const state = () => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    while (state() !== 'Z') await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse(fs.readFileSync(`${dataDir}.lock`, 'utf8')).pid).toBe(pid);

    expect(dataDirOwner(dataDir)).toBeNull();
    const release = lockDataDir(dataDir);
    expect(JSON.parse(fs.readFileSync(`${dataDir}.lock`, 'utf8')).pid).toBe(process.pid);
    release();
  });

  it.skipIf(process.platform !== 'linux')('a live process that merely reused the holder\'s pid does not hold it', async () => {
    const dataDir = path.join(tempRoot(), 'db');
    const other = spawn('sleep', ['600']) as unknown as ChildProcessWithoutNullStreams;
    children.push(other);
    await new Promise((r) => other.once('spawn', r));
    const record = { pid: other.pid, host: os.hostname(), since: '2026-01-01T00:00:00Z' };
    // Same pid, but started at another time than the one the holder recorded.
    fs.writeFileSync(`${dataDir}.lock`, JSON.stringify({ ...record, start: '1' }));
    expect(dataDirOwner(dataDir)).toBeNull();
    lockDataDir(dataDir)();
    // Without a recorded start time (a lock from an older dbctl) the live pid is believed.
    fs.writeFileSync(`${dataDir}.lock`, JSON.stringify(record));
    expect(dataDirOwner(dataDir)).toMatchObject({ pid: other.pid });
    expect(() => lockDataDir(dataDir)).toThrow(`is in use by another process (pid ${other.pid}`);
    fs.rmSync(`${dataDir}.lock`);
  });

  it('an open waits for the process holding the directory, then proceeds; or gives up after lockTimeoutMs with exit 6 naming it', async () => {
    const dataDir = path.join(tempRoot(), 'db');
    // Holds the lock until told to release it.
    const holder = nodeWith(`
      const release = lock.lockDataDir(${JSON.stringify(dataDir)});
      process.stdout.write('held\\n');
      process.stdin.once('data', () => { release(); process.exit(0); });
    `);
    children.push(holder);
    expect(await lines(holder)()).toBe('held');

    const timedOut = await openDatabase({ url: `pglite://${dataDir}`, lockTimeoutMs: 200 }).catch((error) => error);
    expect(isDbctlError(timedOut) && timedOut.code).toBe('lock_timeout');
    expect(timedOut.exitCode).toBe(6);
    expect(timedOut.message).toMatch(new RegExp(`timed out after 0\\.2 s waiting for embedded database .*: in use by another process \\(pid ${holder.pid},`));
    expect(timedOut.data).toMatchObject({ pid: holder.pid });

    // Without a timeout a library open still refuses at once.
    const refused = await openDatabase({ url: `pglite://${dataDir}` }).catch((error) => error);
    expect(refused).toMatchObject({ code: 'database_in_use', exitCode: 5 });

    const waitedFor: number[] = [];
    const database = await openDatabase({
      url: `pglite://${dataDir}`,
      lockTimeoutMs: 60_000,
      onLockWait: (h) => {
        waitedFor.push(h.pid);
        holder.stdin.write('release\n');
      },
    });
    try {
      expect(waitedFor).toEqual([holder.pid]);
      expect((await database.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      // A second handle in this same process is an error at once, never a wait.
      await expect(waitForDataDirLock(dataDir, { timeoutMs: 60_000 })).rejects.toThrow('is already open in this process');
    } finally {
      await database.close();
    }
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false);
  });
});

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LockTimeoutError, RefusedError } from '../../errors.js';
import { pollUntil } from '../../poll-until.js';

/**
 * PGlite happily opens a data directory that another process already has open, and two writers
 * corrupt it. A lock file beside the directory (`<dir>.lock`) names the holder; a lock whose holder
 * is gone (crash, kill -9) is taken over.
 *
 * Why no two processes can hold it at once:
 * - The lock file is only ever created whole and exclusively: written under a private temporary
 *   name, then hard-linked to `<dir>.lock`, which fails if the name exists. A reader never sees a
 *   half-written lock (which it could mistake for a stale one), and of any number of creators
 *   exactly one link succeeds.
 * - A lock file leaves `<dir>.lock` only through its live holder's release (which unlinks it only
 *   while it still holds the holder's own record) or through a takeover. A takeover of the record R
 *   happens under a guard file named after R (`<dir>.lock.takeover-<hash of R>`, itself created
 *   exclusively): the guard's owner reads `<dir>.lock` again and unlinks it only if it still holds
 *   R. Between that read and the unlink the file cannot become another lock: R's holder is dead, and
 *   every other remover of R needs the same guard. (Renaming the stale file aside and checking it
 *   afterwards is not enough: the rename may move a lock another process has just created.)
 * - Every record carries a random nonce, so two records are never equal and a guard is never
 *   shared by two different stale locks.
 * - A guard left by a process killed mid-takeover is itself a stale record, removed the same way.
 * A record is dead when its process is gone, is a zombie (killed but not yet reaped), or is a newer
 * process that reused the pid (its start time differs).
 */

/** Who holds an embedded database directory. */
export interface DirLockHolder {
  pid: number;
  host: string;
  since: string;
  /** The holder's start time (Linux: /proc/<pid>/stat field 22), to tell a reused pid apart. */
  start?: string;
  nonce?: string;
}

export interface DirLockOptions {
  /** How long to wait for a live holder (ms). 0 (default) refuses at once. */
  timeoutMs?: number;
  /** Called when a wait starts, and again whenever the holder changes. */
  onWait?: (holder: DirLockHolder) => void;
}

type Attempt = { release: () => void } | { holder: DirLockHolder } | { retry: true };

/** Locks `dataDir` or throws at once (RefusedError 'database_in_use', exit 5) when a live process holds it. */
export function lockDataDir(dataDir: string): () => void {
  const attempt = attemptUntilSettled(dataDir);
  if ('holder' in attempt) throw inUse(dataDir, attempt.holder);
  return attempt.release;
}

/** The lock, or its live holder. A stale lock just removed, or a holder that released between two reads, is tried again at once. */
function attemptUntilSettled(dataDir: string): Exclude<Attempt, { retry: true }> {
  for (let i = 0; i < 100; i++) {
    const attempt = attemptLock(dataDir);
    if (!('retry' in attempt)) return attempt;
  }
  throw new RefusedError(`could not lock embedded database ${dataDir}`, {}, 'database_in_use');
}

/**
 * Locks `dataDir`, waiting up to `timeoutMs` while another live process holds it, as a server run
 * waits for the run lock; then throws LockTimeoutError naming the holder.
 */
export async function waitForDataDirLock(dataDir: string, options: DirLockOptions = {}): Promise<() => void> {
  const timeoutMs = options.timeoutMs ?? 0;
  const deadline = Date.now() + timeoutMs;
  let announced: string | undefined;
  return pollUntil(() => {
    const attempt = attemptUntilSettled(dataDir);
    if ('release' in attempt) return attempt.release;
    const holder = attempt.holder;
    if (holder.pid === process.pid || timeoutMs <= 0) throw inUse(dataDir, holder);
    if (deadline - Date.now() <= 0) {
      throw new LockTimeoutError(
        `timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for embedded database ${dataDir}: in use by another process (pid ${holder.pid}, since ${holder.since})`,
        { hint: 'PGlite allows one process at a time: wait for it to finish, stop it, or raise --lock-timeout', data: { pid: holder.pid, since: holder.since } },
      );
    }
    const who = `${holder.pid} ${holder.nonce ?? holder.since}`;
    if (announced !== who) {
      announced = who;
      options.onWait?.(holder);
    }
    return undefined;
  }, { delayMs: 10, maxDelayMs: 200, deadline });
}

/** The live process holding an embedded database's lock, if any (for `dbctl doctor`). */
export function dataDirOwner(dataDir: string): DirLockHolder | null {
  const owner = parseRecord(readRaw(`${dataDir}.lock`));
  return owner && holderAlive(owner) ? owner : null;
}

function attemptLock(dataDir: string): Attempt {
  const lockPath = `${dataDir}.lock`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const mine = newRecord();
  if (createExclusive(lockPath, mine)) return { release: releaser(lockPath, mine) };
  const seen = readRaw(lockPath);
  if (seen === null) return { retry: true };
  const owner = parseRecord(seen);
  if (owner && holderAlive(owner)) return { holder: owner };
  // Stale. If another process is taking it over right now, that process is about to hold it.
  const taker = removeStale(lockPath, lockPath, seen);
  return taker ? { holder: taker } : { retry: true };
}

function releaser(lockPath: string, mine: string): () => void {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only while it is still ours; nobody removes a live holder's lock, so this is the normal case.
    if (readRaw(lockPath) === mine) fs.rmSync(lockPath, { force: true });
  };
  process.on('exit', release);
  return release;
}

/**
 * Unlinks `file` if it still holds `content`, whose owner is dead, under the guard named after
 * `content`. Returns the live process that holds the guard instead, if any.
 */
function removeStale(lockPath: string, file: string, content: string, depth = 0): DirLockHolder | null {
  const guard = `${lockPath}.takeover-${crypto.createHash('sha256').update(content).digest('hex').slice(0, 16)}`;
  if (!createExclusive(guard, newRecord())) {
    const other = readRaw(guard);
    if (other === null) return null;
    const owner = parseRecord(other);
    if (owner && holderAlive(owner)) return owner;
    // The guard's owner died mid-takeover: its guard is a stale record like any other. Each level
    // needs a process killed within microseconds, so the bound is never reached in practice.
    if (depth < 8) removeStale(lockPath, guard, other, depth + 1);
    return null;
  }
  try {
    if (readRaw(file) === content) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
  return null;
}

/** Creates `file` holding `content` whole, or returns false if it exists. */
function createExclusive(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temp, content, { flag: 'wx' });
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    // A filesystem without hard links: an exclusive create is still atomic, though a reader may
    // then, for a moment, see the file before its content.
    try {
      fs.writeFileSync(file, content, { flag: 'wx' });
      return true;
    } catch (fallback) {
      if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fallback;
    }
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function newRecord(): string {
  const start = procStat(process.pid)?.start;
  return JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString(), start, nonce: crypto.randomBytes(8).toString('hex') });
}

function readRaw(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function parseRecord(raw: string | null): DirLockHolder | null {
  if (raw === null) return null;
  try {
    const record = JSON.parse(raw);
    return Number.isInteger(record?.pid) ? record : null;
  } catch {
    return null;
  }
}

/**
 * Alive = same host, the process exists and has not exited (a zombie has: it only waits for its
 * parent to reap it), and, where its start time was recorded, it is the same process and not a
 * newer one with the reused pid. A lock from another host cannot be checked and is taken over, as
 * it always has been.
 */
function holderAlive(owner: DirLockHolder): boolean {
  if (owner.host !== os.hostname()) return false;
  const stat = procStat(owner.pid);
  if (stat === undefined) {
    try {
      process.kill(owner.pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  if (stat === null || stat.state === 'Z' || stat.state === 'X') return false;
  return !owner.start || owner.start === stat.start;
}

const hasProc = fs.existsSync('/proc/self/stat');

/** A process's state and start time from /proc; null = no such process; undefined = no /proc here. */
function procStat(pid: number): { state: string; start: string } | null | undefined {
  if (!hasProc) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], start: fields[19] };
}

function inUse(dataDir: string, holder: DirLockHolder): RefusedError {
  if (holder.pid === process.pid) {
    return new RefusedError(`embedded database ${dataDir} is already open in this process`, { hint: 'close the other handle first' }, 'database_in_use');
  }
  return new RefusedError(`embedded database ${dataDir} is in use by another process (pid ${holder.pid}, since ${holder.since})`, {
    hint: 'PGlite allows one process at a time: wait for it to finish, or stop it',
    data: { pid: holder.pid, since: holder.since },
  }, 'database_in_use');
}

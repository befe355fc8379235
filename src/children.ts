import { spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';

/**
 * Every program dbctl starts (pg_dump, pg_restore, psql, squawk) runs under a small `sh` watchdog,
 * so that it dies with dbctl however dbctl ends, `kill -9` included. Node has no prctl
 * (PR_SET_PDEATHSIG), so the watchdog watches a pipe instead: its stdin is a pipe whose only
 * writer is dbctl. When dbctl's process ends, the kernel closes that end, the watchdog's `read`
 * returns, and it sends the program SIGTERM (pg_dump and pg_restore then close their sessions, and
 * the server rolls back what was not committed). A SIGTERM/SIGINT/SIGHUP sent to the watchdog (how
 * `signal` aborts a run) is passed on the same way. A program stopped either way has the file it
 * was writing (`removeOnStop`) removed after it exits. The program itself gets /dev/null as stdin.
 *
 * Exit 127/126 from the watchdog is the shell saying it cannot find / execute the program.
 */
const WATCHDOG = [
  'stopped=; child=',
  'trap \'stopped=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null\' TERM INT HUP',
  'exec 3<&0 </dev/null',
  '"$@" 3<&- &',
  'child=$!',
  '[ -n "$stopped" ] && kill -TERM "$child" 2>/dev/null',
  // Silent, and holding none of dbctl's pipes: when the program ends first, the shell may exit
  // before this watcher is killed, and its kill of the gone shell must not reach the output.
  '(read -r _ <&3; kill -HUP $$) >/dev/null 2>&1 &',
  'watcher=$!',
  // The shell's own notes ("Terminated") go nowhere: its stderr may be a pipe to a dbctl that is
  // gone, and a write there (SIGPIPE) would end it before it cleans up.
  'exec 3<&- 2>/dev/null',
  'wait "$child"; code=$?',
  // `wait` returns early when a trapped signal arrives: wait again until the program is gone.
  'while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done',
  // KILL, not TERM: until the watcher's subshell has reset the traps it inherits, a TERM runs the
  // trap above instead of ending it, and a watcher left reading holds the pipe dbctl waits on.
  'kill -KILL "$watcher" 2>/dev/null',
  'if [ -n "$stopped" ] && [ -n "$DBCTL_CHILD_REMOVE" ]; then rm -rf -- "$DBCTL_CHILD_REMOVE"; fi',
  'exit "$code"',
].join('\n');

/** Where there is no POSIX shell (Windows), programs run directly: they do not outlive a killed dbctl there. */
const WATCHED = process.platform !== 'win32';

export interface ChildOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Aborting stops the program (SIGTERM) and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** A file (or folder) the program writes: removed when the program is stopped (aborted, or dbctl died). */
  removeOnStop?: string;
}

export interface ChildResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Why a program could not be started (not found, not executable), as spawn's errno. */
export class ChildStartError extends Error {
  constructor(readonly bin: string, readonly errno: 'ENOENT' | 'EACCES' | string) {
    super(`cannot run "${bin}" (${errno})`);
  }
}

/**
 * Runs `bin` with `args` under the watchdog and collects its output. Rejects with ChildStartError
 * when the program cannot be started, and with `signal.reason` once aborted (after the program has
 * exited).
 */
export async function runChild(bin: string, args: string[], options: ChildOptions = {}): Promise<ChildResult> {
  options.signal?.throwIfAborted();
  const child = startChild(bin, args, options);
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const { code, stderr } = await child.exited;
  return { code, stdout, stderr };
}

/** A program started by startChild: its output as a stream, to be read while it runs. */
export interface StartedChild {
  /** Read it (or pipe it) to the end: the program waits while its pipe is full. */
  stdout: NodeJS.ReadableStream & AsyncIterable<Buffer>;
  /** Its exit code and stderr once it has exited and its output was read; rejects as runChild does. */
  exited: Promise<{ code: number; stderr: string }>;
  /** Stops it (SIGTERM through the watchdog), e.g. when what reads its output failed. */
  stop(): void;
}

/** runChild, with the output streamed instead of collected (`pg_restore -f -` feeding dbctl's loader). */
export function startChild(bin: string, args: string[], options: ChildOptions = {}): StartedChild {
  const { signal } = options;
  if (signal?.aborted) {
    const exited = Promise.reject(signal.reason);
    exited.catch(() => {});
    return { stdout: Readable.from([]), exited, stop: () => {} };
  }
  const child = WATCHED
    ? spawn('/bin/sh', ['-c', WATCHDOG, 'dbctl-child', bin, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env, DBCTL_CHILD_REMOVE: options.removeOnStop ?? '' }, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(bin, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => void child.kill('SIGTERM');
  const exited = new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    // The watchdog's stdin is never written; an EPIPE after it exited is not an error.
    child.stdin?.on('error', () => {});
    signal?.addEventListener('abort', stop, { once: true });
    let failed: Error | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => void (failed = new ChildStartError(bin, error.code ?? error.message)));
    child.on('close', (code) => {
      signal?.removeEventListener('abort', stop);
      child.stdin?.destroy();
      if (failed) return reject(failed);
      if (signal?.aborted) return reject(signal.reason);
      // The shell's own message about the program it could not start (its name, `dbctl-child`, first).
      const start = WATCHED && code !== 0 ? new RegExp(`^dbctl-child: \\d+: ${escapeRegExp(bin)}: (not found|Permission denied)`, 'm').exec(stderr) : null;
      if (start) return reject(new ChildStartError(bin, start[1] === 'not found' ? 'ENOENT' : 'EACCES'));
      resolve({ code: code ?? -1, stderr });
    });
  });
  exited.catch(() => {}); // observed by the caller; never an unhandled rejection meanwhile
  // Read at once: an exited program's unread stdout is resumed, its data dropped, by Node
  // (child_process flushStdio). The pipe keeps the backpressure: the program waits for the reader.
  const stdout = new PassThrough({ highWaterMark: 1 << 20 });
  child.stdout!.pipe(stdout);
  return { stdout, exited, stop };
}

/**
 * The watchdog for a program that takes over the terminal (`dbctl sql --psql`): the program keeps
 * the terminal as its stdin (saved on fd 4 first: sh gives a background job /dev/null otherwise),
 * the pipe dbctl holds is fd 3, and Ctrl-C is left to the program (psql cancels its query; the
 * shell's own trap is a no-op, and caught signals are not inherited across exec).
 *
 * Stopping it (dbctl gone, or TERM/HUP) sends SIGINT first: psql then cancels the query it is
 * running on the server, which SIGTERM alone would leave running there, orphaned, until it ends.
 * SIGTERM follows if it is still there 2 s later (at its prompt, SIGINT only clears the line).
 * SIGUSR1 is dbctl passing on a SIGINT that did not come from the terminal.
 */
const INTERACTIVE_WATCHDOG = [
  'child=; timer=',
  "trap ':' INT",
  'stop() { [ -n "$child" ] && [ -z "$timer" ] || return 0; kill -INT "$child" 2>/dev/null; (sleep 2; kill -TERM "$child" 2>/dev/null) >/dev/null 2>&1 & timer=$!; }',
  'trap stop TERM HUP',
  'trap \'[ -n "$child" ] && kill -INT "$child" 2>/dev/null\' USR1',
  'exec 4<&0',
  '"$@" <&4 3<&- 4<&- &',
  'child=$!',
  'exec 4<&-',
  // Silent, and holding none of dbctl's pipes: when the program ends first, the shell may exit
  // before this watcher is killed, and its kill of the gone shell must not reach the output.
  '(read -r _ <&3; kill -HUP $$) >/dev/null 2>&1 &',
  'watcher=$!',
  'exec 3<&-',
  'wait "$child"; code=$?',
  'while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done',
  // KILL, not TERM: until the watcher's subshell has reset the traps it inherits, a TERM runs the
  // trap above instead of ending it, and a watcher left reading holds the pipe dbctl waits on.
  'kill -KILL "$watcher" 2>/dev/null',
  '[ -n "$timer" ] && kill -KILL "$timer" 2>/dev/null',
  'exit "$code"',
].join('\n');

/**
 * Runs `bin` on the terminal (stdio inherited) under the interactive watchdog and resolves with its
 * exit code; it dies with dbctl, `kill -9` included. dbctl itself survives SIGINT meanwhile: Ctrl-C
 * reaches the whole foreground group, and it is the program's to handle. Without a terminal (a
 * script's `kill -INT` reaches dbctl alone), dbctl passes it on, so psql cancels its query.
 */
export function runInteractiveChild(bin: string, args: string[], options: { env?: Record<string, string> } = {}): Promise<number> {
  const env = { ...process.env, ...options.env };
  let child: ReturnType<typeof spawn> | undefined;
  const onInterrupt = () => {
    if (!process.stdin.isTTY) child?.kill(WATCHED ? 'SIGUSR1' : 'SIGINT');
  };
  process.on('SIGINT', onInterrupt);
  return new Promise<number>((resolve, reject) => {
    const started = WATCHED
      ? spawn('/bin/sh', ['-c', INTERACTIVE_WATCHDOG, 'dbctl-child', bin, ...args], { env, stdio: ['inherit', 'inherit', 'inherit', 'pipe'] })
      : spawn(bin, args, { env, stdio: 'inherit' });
    child = started;
    let failed: Error | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => void (failed = new ChildStartError(bin, error.code ?? error.message)));
    (child.stdio[3] as NodeJS.WritableStream | null)?.on('error', () => {});
    // 'exit', not only 'close': the terminal is inherited, so the one pipe 'close' waits for is the
    // watchdog's, and a watcher that outlives the shell would hold it open.
    let settled = false;
    const settle = (code: number | null) => {
      if (settled) return;
      settled = true;
      (started.stdio[3] as { destroy?: () => void } | null)?.destroy?.();
      if (failed) return reject(failed);
      // The shell's own "not found" / "cannot execute" (its stderr went to the terminal).
      if (WATCHED && (code === 127 || code === 126)) return reject(new ChildStartError(bin, code === 127 ? 'ENOENT' : 'EACCES'));
      resolve(code ?? 1);
    };
    child.on('exit', settle);
    child.on('close', settle);
  }).finally(() => process.off('SIGINT', onInterrupt));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { ChildStartError, runChild, startChild, type ChildOptions, type StartedChild } from '../children.js';
import { connectionLostError } from '../driver/connection-lost.js';
import { ConfigError, ConnectionError, OperationError, RefusedError } from '../errors.js';
import { redact } from '../driver/target.js';

/** The PostgreSQL client programs dbctl wraps, with the config key and env var that point at them. */
export type ToolName = 'pg_dump' | 'pg_restore' | 'psql';
const SETTING: Record<ToolName, string> = { pg_dump: 'backups.pgDump or PG_DUMP', pg_restore: 'backups.pgRestore or PG_RESTORE', psql: 'backups.psql or PSQL' };

export interface Tool {
  name: ToolName;
  /** The binary (a name found on PATH, or a path). */
  bin: string;
}

/** `signal` stops the program; `removeOnStop` is a file it writes, removed when it is stopped (or dbctl dies). */
export type RunOptions = Pick<ChildOptions, 'signal' | 'removeOnStop'>;

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a client program (under dbctl's watchdog: it dies with dbctl, see src/children.ts); a binary
 * that cannot be started is a ConfigError naming the setting to fix. `signal` stops it.
 */
export async function runTool(tool: Tool, args: string[], env: Record<string, string> = {}, options: RunOptions = {}): Promise<ToolResult> {
  try {
    return await runChild(tool.bin, args, { env, ...options });
  } catch (error) {
    throw toolStartFailure(tool, error);
  }
}

/** runTool with the output streamed (`pg_restore -f -`): `exited` rejects as runTool does. */
export function startTool(tool: Tool, args: string[], env: Record<string, string> = {}, options: RunOptions = {}): StartedChild {
  const child = startChild(tool.bin, args, { env, ...options });
  const exited = child.exited.catch((error) => {
    throw toolStartFailure(tool, error);
  });
  exited.catch(() => {});
  return { ...child, exited };
}

/** A program that cannot be started is a ConfigError naming the setting to fix; anything else is passed on. */
function toolStartFailure(tool: Tool, error: unknown): unknown {
  if (!(error instanceof ChildStartError)) return error;
  return new ConfigError(`${tool.name} not found: cannot run "${tool.bin}" (${error.errno})`, {
    hint: `install the PostgreSQL client programs, or set ${SETTING[tool.name]} to the binary`,
    data: { tool: tool.name, bin: tool.bin },
    cause: error,
  }, 'tool_missing');
}

/** libpq's words for a session that went away under a running program. */
const LOST = /server closed the connection unexpectedly|terminating connection due to|connection to server was lost|could not receive data from server|no connection to the server|SSL SYSCALL error/i;
/** libpq's words for a connection that could not be made at all. */
const UNREACHABLE = /connection to server (?:at|on) .* failed/i;
/** What became of the work when a program's own session was lost. */
const LOST_OUTCOME: Record<ToolName, string> = {
  pg_dump: 'the partial dump was removed',
  pg_restore: 'the restore runs in one transaction, which the server rolled back',
  psql: 'the restore runs in one transaction, which the server rolled back',
};

/** pg_restore without --single-transaction (`--jobs`, or one section of several) commits as it goes: the rollback is not the whole story. */
function lostOutcome(name: ToolName, args: string[]): string {
  return name === 'pg_restore' && !args.includes('--single-transaction') ? 'pg_restore commits as it goes (not one transaction): what it wrote before stays' : LOST_OUTCOME[name];
}

/**
 * Runs a tool and turns a non-zero exit into an error carrying its first error lines: a session
 * lost under it is `connection_lost` (exit 3), one that could not connect `unreachable` (exit 3),
 * a privilege the role lacks `permission_denied` (exit 5), anything else `<tool>_failed` (exit 1).
 */
export async function runToolOrFail(tool: Tool, args: string[], env: Record<string, string>, what: string, options: RunOptions = {}): Promise<ToolResult> {
  const result = await runTool(tool, args, env, options);
  if (result.code !== 0) throw toolFailure(tool, args, result, what);
  return result;
}

/** The error for a program that exited with `result.code` (not 0), as runToolOrFail throws it. */
export function toolFailure(tool: Tool, args: string[], result: Pick<ToolResult, 'code' | 'stderr'>, what: string): Error {
  const lines = result.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = lines.find((l) => /error|fatal/i.test(l)) ?? lines[0] ?? `exit code ${result.code}`;
  const data = { tool: tool.name, exitCode: result.code, stderr: redact(result.stderr.slice(0, 4000)) };
  const lost = lines.find((l) => LOST.test(l));
  if (lost) return connectionLostError(what, new Error(stripPrefix(lost)), lostOutcome(tool.name, args), data);
  if (UNREACHABLE.test(first)) return new ConnectionError(`${what} cannot connect: ${redact(stripPrefix(first))}`, { hint: 'check that the server is up (dbctl db wait) and the URL', data }, 'unreachable');
  const denied = lines.find((l) => /permission denied/i.test(l));
  if (denied) {
    return new RefusedError(`${what} failed: ${redact(stripPrefix(denied))}`, {
      hint: 'the database role lacks a privilege this needs: grant it, or connect as a role that has it (e.g. the owner)',
      data,
    }, 'permission_denied');
  }
  return new OperationError(`${what} failed: ${redact(first)}`, { data }, `${tool.name}_failed`);
}

/** `pg_dump: error: query failed: ERROR:  permission denied for table t` → `permission denied for table t`. */
function stripPrefix(line: string): string {
  return line.replace(/^(?:pg_dump|pg_restore|psql)(?::\s*(?:error|detail|FATAL|ERROR))*:\s*/i, '').replace(/^(?:.*?failed:\s*)?(?:ERROR|FATAL):\s+/, '').trim();
}

/** `pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)` → { major: 15, text: '15.20' }. */
export async function toolVersion(tool: Tool): Promise<{ major: number; text: string }> {
  const { stdout, stderr, code } = await runTool(tool, ['--version']);
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(stdout) ?? /(\d+)\.(\d+)/.exec(stdout);
  if (code !== 0 || !match) {
    throw new ConfigError(`${tool.name} at "${tool.bin}" does not report a PostgreSQL version: ${(stdout || stderr).trim().slice(0, 200)}`, {
      hint: `set ${SETTING[tool.name]} to a PostgreSQL ${tool.name} binary`,
    }, 'tool_version');
  }
  return { major: Number(match[1]), text: match[2] === undefined ? match[1] : `${match[1]}.${match[2]}` };
}

/** A client older than the server cannot read its catalogs: refuse before starting, naming both versions. */
export async function assertToolSupportsServer(tool: Tool, serverVersionNum: number, serverVersion: string): Promise<string> {
  return assertClientSupportsServer(tool, await toolVersion(tool), serverVersionNum, serverVersion);
}

/**
 * Runs a client program against a server without asking its version first: on Debian every client
 * program is a Perl wrapper, and a `--version` round costs about as much as dumping a small
 * database. A client older than the server refuses it by itself (pg_dump) or fails on what it
 * cannot read (pg_restore); only then is its version read, to say so (`tool_too_old`, exit 2).
 */
export async function runToolForServer(tool: Tool, args: string[], env: Record<string, string>, what: string, server: PromiseLike<{ num: number; text: string }>, options: RunOptions = {}): Promise<ToolResult> {
  try {
    return await runToolOrFail(tool, args, env, what, options);
  } catch (error) {
    if (options.signal?.aborted || (error as { code?: string }).code !== `${tool.name}_failed`) throw error;
    await explainOldTool(tool, await server);
    throw error;
  }
}

/** Throws `tool_too_old` if `tool` is older than the server; anything else it finds is left to the caller's error. */
export async function explainOldTool(tool: Tool, server: { num: number; text: string }): Promise<void> {
  let client: { major: number; text: string };
  try {
    client = await toolVersion(tool);
  } catch {
    return;
  }
  assertClientSupportsServer(tool, client, server.num, server.text);
}

/** The check of `assertToolSupportsServer` on a client version already read (read it while connecting). */
export function assertClientSupportsServer(tool: Tool, client: { major: number; text: string }, serverVersionNum: number, serverVersion: string): string {
  const serverMajor = Math.floor(serverVersionNum / 10000);
  if (client.major < serverMajor) {
    throw new ConfigError(`${tool.name} ${client.text} is older than the server (PostgreSQL ${serverVersion}): it cannot handle this server`, {
      hint: `install the PostgreSQL ${serverMajor} client programs and point ${SETTING[tool.name]} at its ${tool.name}`,
      data: { tool: tool.name, clientVersion: client.text, serverVersion },
    }, 'tool_too_old');
  }
  return client.text;
}

/**
 * libpq connection for a client program: the URL with no password in it (as `-d`) and the password
 * in PGPASSWORD, so it never shows on a command line (`ps` shows argv to every user of the machine)
 * or in an error message. A `?password=` parameter moves to PGPASSWORD too.
 */
export function libpqConnection(url: string, connectTimeoutMs?: number): { dbname: string; env: Record<string, string> } {
  const parsed = new URL(url);
  const env: Record<string, string> = {};
  const fromQuery = parsed.searchParams.get('password');
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  else if (fromQuery) env.PGPASSWORD = fromQuery;
  parsed.searchParams.delete('password');
  if (connectTimeoutMs) env.PGCONNECT_TIMEOUT = String(Math.max(2, Math.ceil(connectTimeoutMs / 1000)));
  parsed.password = '';
  return { dbname: parsed.toString(), env };
}

import { spawn } from 'node:child_process';
import { ConfigError, OperationError } from '../errors.js';
import { redact } from '../driver/url.js';

/** The PostgreSQL client programs dbctl wraps, with the config key and env var that point at them. */
export type ToolName = 'pg_dump' | 'pg_restore' | 'psql';
const SETTING: Record<ToolName, string> = { pg_dump: 'backups.pgDump or PG_DUMP', pg_restore: 'backups.pgRestore or PG_RESTORE', psql: 'backups.psql or PSQL' };

export interface Tool {
  name: ToolName;
  /** The binary (a name found on PATH, or a path). */
  bin: string;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a client program; a binary that cannot be started is a ConfigError naming the setting to fix. */
export function runTool(tool: Tool, args: string[], env: Record<string, string> = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new ConfigError(`${tool.name} not found: cannot run "${tool.bin}" (${error.code ?? error.message})`, {
        hint: `install the PostgreSQL client programs, or set ${SETTING[tool.name]} to the binary`,
        data: { tool: tool.name, bin: tool.bin },
        cause: error,
      }, 'tool_missing'));
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs a tool and turns a non-zero exit into an OperationError carrying its first error lines. */
export async function runToolOrFail(tool: Tool, args: string[], env: Record<string, string>, what: string): Promise<ToolResult> {
  const result = await runTool(tool, args, env);
  if (result.code !== 0) {
    const lines = result.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
    const first = lines.find((l) => /error|fatal/i.test(l)) ?? lines[0] ?? `exit code ${result.code}`;
    throw new OperationError(`${what} failed: ${redact(first)}`, { data: { tool: tool.name, exitCode: result.code, stderr: redact(result.stderr.slice(0, 4000)) } }, `${tool.name}_failed`);
  }
  return result;
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
export async function runToolForServer(tool: Tool, args: string[], env: Record<string, string>, what: string, server: PromiseLike<{ num: number; text: string }>): Promise<ToolResult> {
  try {
    return await runToolOrFail(tool, args, env, what);
  } catch (error) {
    if ((error as { code?: string }).code === 'tool_missing') throw error;
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

import { run } from '../../src/cli/main.js';
import type { CliResult } from './cli.js';

/**
 * Runs `dbctl ARGS` in this process (the real command tree and exit path, no spawn): the same
 * result as runCli, for checks that need no database. Environment variables are set for the run
 * only; stdout and stderr are captured.
 */
export async function runArgv(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliResult> {
  const env: Record<string, string | undefined> = { NO_COLOR: '1', DATABASE_URL: undefined, DBCTL_ENV: undefined, NODE_ENV: undefined, ...options.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  };
  let stdout = '';
  let stderr = '';
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const capture = (append: (s: string) => void) => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stdout.write;
  set(env);
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  let code: number;
  try {
    code = await run(['node', 'dbctl', '--cwd', options.cwd, ...args]);
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    set(saved);
  }
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

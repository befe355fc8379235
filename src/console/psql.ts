import { spawn } from 'node:child_process';
import { libpqConnection } from '../backup/tools.js';
import { ConfigError, OperationError, UsageError } from '../errors.js';
import { describeTarget, type Target } from '../driver/url.js';

export interface PsqlHandover {
  /** The psql binary (config backups.psql, or PSQL). */
  bin: string;
  /** psql's own arguments after the connection (`-c QUERY`, `-f FILE`). */
  args?: string[];
  readOnly?: boolean;
  connectTimeoutMs?: number;
}

/**
 * Hands the terminal to psql on a server target and resolves with its exit code. The URL goes in
 * argv without its password; the password travels in PGPASSWORD, so `ps` never shows it.
 * `readOnly` sets default_transaction_read_only through PGOPTIONS, as the built-in console does.
 */
export function handOverToPsql(target: Target, options: PsqlHandover): Promise<number> {
  if (target.kind !== 'pg') {
    throw new UsageError(`--psql needs a server; ${describeTarget(target)} is embedded`, {
      hint: 'drop --psql to use the built-in console, or run `dbctl db serve` and open its URL with psql',
    });
  }
  const { dbname, env } = libpqConnection(target.url, options.connectTimeoutMs);
  if (options.readOnly) env.PGOPTIONS = `${process.env.PGOPTIONS ?? ''} -c default_transaction_read_only=on`.trim();
  return new Promise((resolve, reject) => {
    const child = spawn(options.bin, [dbname, ...(options.args ?? [])], { env: { ...process.env, ...env }, stdio: 'inherit' });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new ConfigError(`psql not found: cannot run "${options.bin}" (${error.code ?? error.message})`, {
        hint: 'install the PostgreSQL client programs, set backups.psql or PSQL, or drop --psql to use the built-in console',
        data: { tool: 'psql', bin: options.bin },
      }, 'tool_missing'));
    });
    child.on('close', (code) => resolve(code ?? 1));
  }).then((code) => {
    if (code !== 0) throw new OperationError(`psql exited with code ${code}`, { data: { exitCode: code } }, 'psql_failed');
    return code;
  }) as Promise<number>;
}

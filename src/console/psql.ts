import { ChildStartError, runInteractiveChild } from '../children.js';
import { libpqConnection } from '../backup/tools.js';
import { ConfigError, OperationError, UsageError } from '../errors.js';
import { capabilitiesOf } from '../driver/host.js';
import { describeTarget, type Target } from '../driver/target.js';

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
  if (!capabilitiesOf(target).wire) {
    throw new UsageError(`--psql needs a server; ${describeTarget(target)} is embedded`, {
      hint: 'drop --psql to use the built-in console, or run `dbctl db serve` and open its URL with psql',
    });
  }
  const { dbname, env } = libpqConnection(target.url, options.connectTimeoutMs);
  if (options.readOnly) env.PGOPTIONS = `${process.env.PGOPTIONS ?? ''} -c default_transaction_read_only=on`.trim();
  // Under the watchdog: psql dies with dbctl, even on kill -9, rather than keep the terminal.
  return runInteractiveChild(options.bin, [dbname, ...(options.args ?? [])], { env }).then((code) => {
    if (code !== 0) throw new OperationError(`psql exited with code ${code}`, { data: { exitCode: code } }, 'psql_failed');
    return code;
  }, (error) => {
    if (!(error instanceof ChildStartError)) throw error;
    throw new ConfigError(`psql not found: cannot run "${options.bin}" (${error.errno})`, {
      hint: 'install the PostgreSQL client programs, set backups.psql or PSQL, or drop --psql to use the built-in console',
      data: { tool: 'psql', bin: options.bin },
    }, 'tool_missing');
  });
}

import type { ResolvedConfig } from '../config/resolve.js';
import { withDatabaseFor } from '../driver/open-for.js';
import { pollUntil } from '../poll-until.js';
import { describeTarget } from '../driver/target.js';
import { ConnectionError, isDbctlError } from '../errors.js';

export interface WaitOptions {
  config: ResolvedConfig;
  timeoutMs: number;
  /** Also wait until no migration is pending (another job is migrating). */
  migrated?: boolean;
  /** Called with the reason for each unsuccessful attempt. */
  onWait?: (reason: string) => void;
}

/**
 * Failures that waiting cannot fix: give up at once instead of at the timeout. A server that refuses
 * the password or the TLS the URL asks for (or its certificate, or a TLS file the URL names) will do
 * so on every attempt, and a bad URL or config stays bad.
 *
 * Everything else is "not yet" (dbmate's `wait` retries every failure): nothing listening (a server
 * starting), a session ended while connecting (a restart: 57P01/57P03), a host name not in DNS yet
 * (a compose service not created yet), a database an init script has not created yet. Only the
 * timeout turns them into a ConnectionError (exit 3), naming the last reason.
 */
const FINAL = ['auth_failed', 'tls', 'usage', 'config'];

export async function waitForDatabase(options: WaitOptions): Promise<{ milliseconds: number; attempts: number; target: string }> {
  const { config } = options;
  const target = describeTarget(config.target);
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  return pollUntil(async ({ attempt: attempts, delayMs }) => {
    let reason: string;
    try {
      if (await ready(options, Math.max(0, deadline - Date.now()))) return { milliseconds: Date.now() - started, attempts, target };
      reason = 'migrations are pending';
    } catch (error) {
      if (isDbctlError(error) && FINAL.includes(error.code)) throw error;
      reason = isDbctlError(error) ? error.message : String((error as Error)?.message ?? error);
    }
    options.onWait?.(reason);
    if (Date.now() + delayMs > deadline) {
      throw new ConnectionError(`timed out after ${(options.timeoutMs / 1000).toFixed(1)} s waiting for ${target}: ${reason}`, {
        hint: options.migrated && reason === 'migrations are pending' ? 'run `dbctl migrate up`, or raise --timeout' : 'is the server starting? raise --timeout, or check the URL',
        data: { attempts, reason },
      }, 'wait_timeout');
    }
    return undefined;
  }, { delayMs: 100, maxDelayMs: 1000 });
}

async function ready(options: WaitOptions, remainingMs: number): Promise<boolean> {
  const { config } = options;
  return withDatabaseFor(config, 'wait', async (database) => {
    if (!options.migrated) return true;
    const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
    return (await new Migrator({ database, ...migratorConfig(config) }).status()).summary.pending === 0;
  }, { connectTimeoutMs: remainingMs });
}

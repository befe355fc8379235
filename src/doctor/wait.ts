import type { ResolvedConfig } from '../config/resolve.js';
import { openDatabaseFor } from '../driver/open-for.js';
import { describeTarget } from '../driver/url.js';
import { ConnectionError, isDbctlError } from '../errors.js';

export interface WaitOptions {
  config: ResolvedConfig;
  timeoutMs: number;
  /** Also wait until no migration is pending (another job is migrating). */
  migrated?: boolean;
  /** Called with the reason for each unsuccessful attempt. */
  onWait?: (reason: string) => void;
}

/** Failures that waiting cannot fix: give up at once instead of at the timeout. */
const FINAL = ['auth_failed', 'tls', 'usage', 'config'];

/**
 * Polls until the database accepts a connection (and, with `migrated`, has nothing pending). A
 * server still starting, a database not created yet by an init script, or a host name not yet in
 * DNS are all "not yet"; only the timeout turns them into a ConnectionError (exit 3).
 */
export async function waitForDatabase(options: WaitOptions): Promise<{ milliseconds: number; attempts: number; target: string }> {
  const { config } = options;
  const target = describeTarget(config.target);
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let reason = 'no attempt made';
  let delay = 100;
  for (let attempts = 1; ; attempts++) {
    try {
      if (await ready(options, Math.max(0, deadline - Date.now()))) return { milliseconds: Date.now() - started, attempts, target };
      reason = 'migrations are pending';
    } catch (error) {
      if (isDbctlError(error) && FINAL.includes(error.code)) throw error;
      reason = isDbctlError(error) ? error.message : String((error as Error)?.message ?? error);
    }
    options.onWait?.(reason);
    if (Date.now() + delay > deadline) {
      throw new ConnectionError(`timed out after ${(options.timeoutMs / 1000).toFixed(1)} s waiting for ${target}: ${reason}`, {
        hint: options.migrated && reason === 'migrations are pending' ? 'run `dbctl migrate up`, or raise --timeout' : 'is the server starting? raise --timeout, or check the URL',
        data: { attempts, reason },
      }, 'wait_timeout');
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
}

async function ready(options: WaitOptions, remainingMs: number): Promise<boolean> {
  const { config } = options;
  const database = await openDatabaseFor(config, 'wait', { connectTimeoutMs: remainingMs });
  try {
    if (!options.migrated) return true;
    const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
    return (await new Migrator({ database, ...migratorConfig(config) }).status()).summary.pending === 0;
  } finally {
    await database.close();
  }
}

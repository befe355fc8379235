import { isDbctlError, OperationError } from '../errors.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const NUMBER: Record<(typeof SIGNALS)[number], number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

/**
 * Runs a command that starts programs or makes things it must undo (backup, restore) with
 * SIGINT/SIGTERM/SIGHUP turned into an abort: the core stops its programs (src/children.ts),
 * removes what it made (a partial dump, the database `restore --create` made) and fails with
 * `interrupted`, which the CLI reports as any error. A second signal exits at once (the
 * programs still die: their watchdogs see dbctl go).
 */
export async function withInterrupts<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const handlers = SIGNALS.map((name) => {
    const handler = () => {
      if (controller.signal.aborted) process.exit(128 + NUMBER[name]);
      controller.abort(new OperationError(`interrupted by ${name}: stopped before it completed`, {
        hint: 'nothing was left half-done: run the command again',
        data: { signal: name },
      }, 'interrupted'));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  try {
    // Work that completed before the core looked at the signal again is complete: it stands.
    return await fn(controller.signal);
  } catch (error) {
    // Whatever the abort made fail (a killed pg_restore, a closed session) is reported as the
    // interruption, unless the core already described it (what an interrupted restore left).
    if (controller.signal.aborted) throw isDbctlError(error) && error.code === 'interrupted' ? error : controller.signal.reason;
    throw error;
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}

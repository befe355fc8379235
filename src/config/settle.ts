import { ConfigError } from '../errors.js';

/**
 * Loading a config runs the user's code, which may wait on a promise that never settles (a default
 * export `new Promise(() => {})`, a top-level await on a hung call). Without this, Node would exit 13
 * with nothing printed once nothing else is pending, or dbctl would hang. Two ways to notice:
 * - nothing is left that could settle it (Node is about to exit: 'beforeExit'): said at once;
 * - it is still pending after `timeoutMs` (something, e.g. a socket, keeps the process alive).
 * The timer is unref'd, so it never keeps the process alive by itself.
 */
export async function settleConfig<T>(loading: Promise<T>, shown: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onBeforeExit: (() => void) | undefined;
  const stuck = new Promise<never>((_resolve, reject) => {
    onBeforeExit = () => reject(new ConfigError(`${shown} never finished loading: it waits on a promise that nothing is left to settle`, {
      hint: 'check its default export and any top-level await (a promise that never resolves or rejects)',
    }, 'config_load'));
    process.once('beforeExit', onBeforeExit);
    timer = setTimeout(() => reject(new ConfigError(`${shown} did not finish loading within ${timeoutMs / 1000} s`, {
      hint: 'check what its default export or a top-level await waits for; DBCTL_CONFIG_TIMEOUT sets the limit',
    }, 'config_load')), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([loading, stuck]);
  } finally {
    clearTimeout(timer);
    if (onBeforeExit) process.off('beforeExit', onBeforeExit);
  }
}

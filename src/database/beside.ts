import { openHostBeside, withHost, type Host, type HostOptions } from '../driver/host.js';
import type { Target } from '../driver/target.js';

/**
 * Runs `fn` on the host where new databases beside `target` are made (its server; embedded, the
 * folder `embeddedRoot`), and always closes it: throwaway databases, and `dbctl/testing`'s empty
 * ones, are made and dropped there.
 */
export function withHostBeside<T>(target: Target, embeddedRoot: string, options: HostOptions, fn: (host: Host) => Promise<T>): Promise<T> {
  return withHost(openHostBeside(target, embeddedRoot, options), fn);
}

import { openHostOf, type Host } from '../driver/host.js';
import { describeTarget, parseTarget, restoreTargetBeside, type Target } from '../driver/target.js';
import { isDbctlError, UsageError } from '../errors.js';
import { withOpen } from '../with-open.js';

export interface RestoreTarget {
  url: string;
  /** `url` parsed, as the host made it. */
  target: Target;
  /** Removes what --create made (after a failed restore): the database, or the PGlite directory. */
  discard(): Promise<void>;
}

/**
 * A new, empty database to restore into (`restore --create NAME`): on a server, NAME is created
 * beside the configured database; embedded, NAME is a new PGlite directory beside the configured
 * one (`.dbctl/NAME` by default: git-ignored, where dbctl keeps its databases). An existing one is
 * refused, so --create can never overwrite anything.
 */
export async function createRestoreTarget(name: string, options: { url: string | undefined; cwd: string; connectTimeoutMs?: number; target?: Target }): Promise<RestoreTarget> {
  const target = newDatabaseTarget(options.target ?? parseTarget(options.url, options.cwd), name, options.cwd);
  const hostOptions = { cwd: options.cwd, connectTimeoutMs: options.connectTimeoutMs, operation: 'restore --create' };
  const closeHost = ({ host }: { host: Host }) => host.close();
  const created = await withOpen(openHostOf(target, hostOptions), async ({ host, name: database }): Promise<Target> => {
    const made = await host.create(database).catch((error) => {
      if (isDbctlError(error) && error.code === 'not_a_database') throw new UsageError(`--create ${name}: ${describeTarget(target)} already exists and is not empty`, { hint: 'choose a new name' });
      throw error;
    });
    if (!made.created) throw new UsageError(`--create ${name}: ${describeTarget(target)} already exists`, { hint: 'choose a new name, or restore into it with --into URL --clean' });
    return made.target;
  }, closeHost);
  return {
    url: created.url,
    target: created,
    discard: async () => void (await withOpen(openHostOf(target, hostOptions), ({ host, name: database }) => host.drop(database, { force: true }), closeHost)),
  };
}

function newDatabaseTarget(configured: Target, name: string, cwd: string): Target {
  const target = restoreTargetBeside(configured, name, cwd, '--create');
  // Quotes, semicolons and spaces make a name that is a directory or a quoted identifier nobody
  // means to type, and 63 bytes is where PostgreSQL would cut it silently.
  if (!/^[\p{L}\p{N}_][\p{L}\p{N}_$.-]*$/u.test(name) || Buffer.byteLength(name) > 63) {
    throw new UsageError(`--create ${JSON.stringify(name)}: a database name is letters, digits, _, $, - and . (at most 63 bytes)`, { hint: 'choose a plain name, e.g. app_restore' });
  }
  return target;
}

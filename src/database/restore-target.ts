import fs from 'node:fs';
import { openHostOf, type Host } from '../driver/host.js';
import { describeTarget, parseTarget, restoreTargetBeside, type Target } from '../driver/target.js';
import { UsageError } from '../errors.js';
import { withOpen } from '../with-open.js';

/**
 * Where `restore --create NAME` puts NAME: on a server, beside the configured database; embedded,
 * a PGlite directory beside the configured one (`.dbctl/NAME` by default: git-ignored, where dbctl
 * keeps its databases). An existing one is refused, so --create can never overwrite anything.
 * Nothing is made here: the restore is built beside it and renamed to NAME once it is verified.
 */
export async function newRestoreTarget(name: string, options: { url: string | undefined; cwd: string; connectTimeoutMs?: number; target?: Target }): Promise<Target> {
  const target = newDatabaseTarget(options.target ?? parseTarget(options.url, options.cwd), name, options.cwd);
  const hostOptions = { cwd: options.cwd, connectTimeoutMs: options.connectTimeoutMs, operation: 'restore --create' };
  await withOpen(openHostOf(target, hostOptions), async ({ host, name: database }) => {
    // Embedded, anything in the way counts: a directory that is no database is not ours to fill.
    const taken = target.kind === 'pglite' ? fs.existsSync(target.dataDir!) && !isEmptyDir(target.dataDir!) : await host.exists(database);
    if (taken) throw new UsageError(`--create ${name}: ${describeTarget(target)} already exists`, { hint: 'choose a new name, or restore into it with --into URL --clean' });
  }, ({ host }: { host: Host }) => host.close());
  return target;
}

const isEmptyDir = (dir: string) => fs.statSync(dir).isDirectory() && fs.readdirSync(dir).length === 0;

function newDatabaseTarget(configured: Target, name: string, cwd: string): Target {
  const target = restoreTargetBeside(configured, name, cwd, '--create');
  // Quotes, semicolons and spaces make a name that is a directory or a quoted identifier nobody
  // means to type, and 63 bytes is where PostgreSQL would cut it silently.
  if (!/^[\p{L}\p{N}_][\p{L}\p{N}_$.-]*$/u.test(name) || Buffer.byteLength(name) > 63) {
    throw new UsageError(`--create ${JSON.stringify(name)}: a database name is letters, digits, _, $, - and . (at most 63 bytes)`, { hint: 'choose a plain name, e.g. app_restore' });
  }
  return target;
}

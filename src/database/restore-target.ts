import { describeTarget, parseTarget, restoreTargetBeside, type Target } from '../driver/target.js';
import { UsageError } from '../errors.js';

/**
 * Where `restore --create NAME` puts NAME: on a server, beside the configured database; embedded,
 * a PGlite directory beside the configured one (`.dbctl/NAME` by default: git-ignored, where dbctl
 * keeps its databases). Nothing is made here: the restore is built beside it and renamed to NAME
 * once it is verified; an existing NAME is refused then (`restoreTargetTaken`), so --create can
 * never overwrite anything.
 */
export function newRestoreTarget(name: string, options: { url: string | undefined; cwd: string; target?: Target }): Target {
  return newDatabaseTarget(options.target ?? parseTarget(options.url, options.cwd), name, options.cwd);
}

/** The refusal of a NAME that exists. */
export function restoreTargetTaken(name: string, target: Target): UsageError {
  return new UsageError(`--create ${name}: ${describeTarget(target)} already exists`, { hint: 'choose a new name, or restore into it with --into URL --clean' });
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

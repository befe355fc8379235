import { isMaintenanceDatabase, MAINTENANCE_DATABASE, openHostOf, type Host } from '../driver/host.js';
import { isPostgresError } from '../sql/sql-error.js';
import { describeTarget, parseTarget, type Target } from '../driver/target.js';
import { errorFor, isDbctlError, UsageError } from '../errors.js';
import { codeForSqlstate, hasSqlstate } from '../sql/sqlstate.js';
import { assertDestructiveAllowed, confirmName, type GuardOptions, type Protection } from '../guard/index.js';
import { withOpen } from '../with-open.js';

export type { Session } from '../driver/host.js';

export interface LifecycleOptions {
  /** The database to create or drop (postgres://… or pglite://DIR; none = the embedded default). */
  url?: string;
  cwd?: string;
  connectTimeoutMs?: number;
  /** The parsed `url` (a resolved config carries it): not parsed again when given. */
  target?: Target;
}

export interface CreateReport {
  database: string;
  target: string;
  created: boolean;
}

export interface DropReport {
  database: string;
  target: string;
  dropped: boolean;
  /** Sessions disconnected by `force`. */
  disconnected: number;
}

/** Creates the database: on a server through its maintenance database; embedded, by initialising the directory. */
export async function createDatabase(options: LifecycleOptions): Promise<CreateReport> {
  const target = options.target ?? parseTarget(options.url, options.cwd ?? process.cwd());
  const { created } = await onHost(target, options, 'db create', async (host, name) => {
    try {
      return await host.create(name);
    } catch (error) {
      throw serverRefusal('create', name, error);
    }
  });
  return { ...names(target), created };
}

export interface DropOptions extends LifecycleOptions, GuardOptions {
  /** The environment the database belongs to (a ResolvedConfig is one); none: nothing is protected. */
  config?: Protection;
}

/**
 * Drops the database; one with open sessions is refused (exit 5) unless `force`. In a protected
 * environment it also needs the name confirmed (src/guard), or nothing is dropped.
 */
export async function dropDatabase(options: DropOptions): Promise<DropReport> {
  const target = options.target ?? parseTarget(options.url, options.cwd ?? process.cwd());
  if (options.config) await assertDestructiveAllowed({ config: options.config, target, operation: 'db drop', force: options.force, confirm: options.confirm });
  const result = await onHost(target, options, 'db drop', async (host, name) => {
    try {
      return await host.drop(name, { force: !!options.force });
    } catch (error) {
      throw serverRefusal('drop', name, error);
    }
  });
  return { ...names(target), ...result };
}

/** Runs `fn` on the host of `target` (a server: through its maintenance database, never `target` itself). */
async function onHost<T>(target: Target, options: LifecycleOptions, operation: string, fn: (host: Host, name: string) => Promise<T>): Promise<T> {
  if (isMaintenanceDatabase(target)) {
    throw new UsageError(`${operation} refused: "${MAINTENANCE_DATABASE}" is the maintenance database dbctl works through`, {
      hint: 'name another database in --url / DATABASE_URL',
    });
  }
  return withOpen(openHostOf(target, { cwd: options.cwd, connectTimeoutMs: options.connectTimeoutMs, operation }), ({ host, name }) => fn(host, name), ({ host }) => host.close());
}

/** The server said no (no CREATEDB right, not the owner…): its words, not a stack trace. */
function serverRefusal(verb: 'create' | 'drop', name: string, error: unknown): unknown {
  if (isDbctlError(error) || !isPostgresError(error)) return error;
  // The one SQLSTATE table decides (42501, a privilege the role lacks: permission_denied, exit 5).
  return errorFor(codeForSqlstate(error.code) ?? (verb === 'create' ? 'create_failed' : 'drop_failed'), `cannot ${verb} database "${name}": ${error.message} (SQLSTATE ${error.code})`, {
    hint: hasSqlstate(error, 'insufficient_privilege') ? `connect as a role allowed to ${verb} databases (CREATEDB, or the owner)` : undefined,
    data: { database: name, sqlstate: error.code },
  });
}

function names(target: Target): { database: string; target: string } {
  return { database: confirmName(target), target: describeTarget(target) };
}

import { databaseName, describeTarget, networkHostOf, type Target } from '../driver/target.js';
import { RefusedError } from '../errors.js';
import { cachedLookup, findProductionHost, findSameDatabase, type HostLookup, type ProductionHostMatch } from './hosts.js';

export { cachedLookup, findProductionHost, matchProductionHost, type HostLookup, type ProductionHostMatch } from './hosts.js';
export { assertFleetDestructiveAllowed, type FleetGuardInput } from './fleet.js';

/** Asks for the name at an interactive prompt and returns what was typed (the CLI's terminal). */
export type ConfirmPrompt = (question: string) => Promise<string>;

/**
 * What every destructive core function takes, so a library caller is stopped where the CLI is:
 * in a protected environment, `force` and the name confirmed, or it is refused and nothing changes.
 */
export interface GuardOptions {
  /** Allow the operation in a protected environment (the CLI's --force); the name must be confirmed too. */
  force?: boolean;
  /** The database's name (the CLI's --confirm NAME), or a prompt that asks for it (the CLI's terminal). */
  confirm?: string | ConfirmPrompt;
}

/** What the guard reads of the environment; a ResolvedConfig is one. */
export interface Protection {
  env: string;
  protected: boolean;
  productionHosts: readonly string[];
  /** The other protected environments' databases (a ResolvedConfig's protectedDatabases): reaching one by URL is guarded too. */
  protectedDatabases?: readonly { env: string; target: Target }[];
}

export interface GuardInput extends GuardOptions {
  config: Protection;
  target: Target;
  operation: string;
  /** How host names resolve (default: the system's, as the connection resolves them). */
  lookup?: HostLookup;
}

/**
 * The name a forced destructive run must confirm: the database on a server; for PGlite, whose
 * database is always `postgres`, the data directory's name, which says which copy is meant.
 */
export function confirmName(target: Target): string {
  return databaseName(target);
}

/**
 * For the steps of an operation the guard has already allowed on `target` (db fresh's drop, then
 * its seeds; a fleet member's part of a fleet operation): the name is confirmed, so no step asks again.
 */
export function alreadyAllowed(target: Target): GuardOptions {
  return { force: true, confirm: confirmName(target) };
}

/**
 * An environment nothing is protected in: for a database dbctl has just made for this run (a test
 * database, a scratch copy), which holds nothing of the environment's.
 */
export function scratchProtection<C extends Protection>(config: C): C {
  return { ...config, protected: false, productionHosts: [] };
}

/**
 * Refuses a destructive operation (exit 5) when:
 * - the URL's host matches a `productionHosts` pattern but the environment is not protected: the
 *   environment is lying about where it points, so not even --force goes through;
 * - the environment is protected, unless `force` is given and the database name is confirmed
 *   (`confirm` is the name, or a prompt that asks for it).
 */
export async function assertDestructiveAllowed(input: GuardInput): Promise<void> {
  const { config, target, operation } = input;
  const name = confirmName(target);
  const where = `database "${name}" (${describeTarget(target)})`;
  const data = { operation, env: config.env, database: name };

  const host = networkHostOf(target);
  const match = host === undefined || config.protected ? undefined : await findProductionHost(host, config.productionHosts, input.lookup);
  if (match !== undefined) {
    const pattern = match.pattern;
    throw new RefusedError(`${operation} refused: host "${host}" matches productionHosts pattern "${pattern}"${resolvedVia(match)} but environment "${config.env}" is not protected (${where})`, {
      hint: `if you really mean this production database, run with a protected environment (e.g. --env production) and --force --confirm ${name}`,
      data: { ...data, host, pattern },
    }, 'production_host');
  }
  if (!config.protected) {
    await refuseProtectedDatabase(input, where, data);
    return;
  }

  const protectedEnv = `environment "${config.env}" is protected`;
  if (!input.force) {
    throw new RefusedError(`${operation} refused: ${protectedEnv}; it would change ${where}`, {
      hint: `pass --force and confirm the database name (--confirm ${name}) if you really mean it`,
      data,
    }, 'protected');
  }
  const confirmed = typeof input.confirm === 'function' ? (await input.confirm(`${protectedEnv}: ${operation} would change ${where}.\nType the database name to confirm: `)).trim() : input.confirm;
  if (confirmed === undefined) {
    throw new RefusedError(`${operation} refused: ${protectedEnv} and the name of ${where} was not confirmed`, {
      hint: `add --confirm ${name} (no terminal to ask on)`,
      data,
    }, 'not_confirmed');
  }
  if (confirmed !== name) {
    throw new RefusedError(`${operation} refused: "${confirmed}" does not match the database name "${name}" (${protectedEnv})`, {
      hint: `confirm with the exact name: --confirm ${name}`,
      data,
    }, 'confirm_mismatch');
  }
}

/**
 * A URL given by hand under an unprotected environment (`--url "$PROD_URL"` with the environment
 * left at `development`) that reaches a database a protected environment declares is refused as
 * productionHosts refuses a host: the environment is wrong about where it points, so not even --force.
 */
async function refuseProtectedDatabase(input: GuardInput, where: string, data: Record<string, unknown>): Promise<void> {
  const databases = input.config.protectedDatabases ?? [];
  if (!databases.length) return;
  const same = await findSameDatabase(input.target, databases, input.lookup ?? cachedLookup());
  if (same === undefined) return;
  const name = confirmName(input.target);
  throw new RefusedError(`${input.operation} refused: ${where} is environment "${same.env}"'s database, which is protected, but environment "${input.config.env}" is not`, {
    hint: `if you really mean it, run with --env ${same.env} and --force --confirm ${name}`,
    data: { ...data, protectedEnv: same.env },
  }, 'protected_database');
}

/** ` (both resolve to 10.0.4.2)` when the match was by address, for the refusal's message. */
export function resolvedVia(match: ProductionHostMatch): string {
  if (match.address === undefined) return '';
  return match.address === 'loopback' ? ' (both are this machine: loopback)' : ` (both resolve to ${match.address})`;
}

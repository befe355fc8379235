import type { ResolvedConfig } from '../config/resolve.js';
import { databaseName, describeTarget, networkHostOf, type Target } from '../driver/target.js';
import { RefusedError } from '../errors.js';
import { findProductionHost, type HostLookup, type ProductionHostMatch } from './hosts.js';

export { cachedLookup, findProductionHost, matchProductionHost, type HostLookup, type ProductionHostMatch } from './hosts.js';

export interface GuardInput {
  config: ResolvedConfig;
  target: Target;
  operation: string;
  force?: boolean;
  confirm?: string;
  /** Asks for the database name at an interactive prompt (CLI only); undefined = no TTY. */
  prompt?: (question: string) => Promise<string>;
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
 * Refuses a destructive operation (exit 5) when:
 * - the URL's host matches a `productionHosts` pattern but the environment is not protected: the
 *   environment is lying about where it points, so not even --force goes through;
 * - the environment is protected, unless --force is given and the database name is confirmed
 *   (`--confirm NAME`, or typed at the prompt when there is a terminal).
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
  if (!config.protected) return;

  const protectedEnv = `environment "${config.env}" is protected`;
  if (!input.force) {
    throw new RefusedError(`${operation} refused: ${protectedEnv}; it would change ${where}`, {
      hint: `pass --force and confirm the database name (--confirm ${name}) if you really mean it`,
      data,
    }, 'protected');
  }
  const confirmed = input.confirm ?? (input.prompt ? (await input.prompt(`${protectedEnv}: ${operation} would change ${where}.\nType the database name to confirm: `)).trim() : undefined);
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

/** ` (both resolve to 10.0.4.2)` when the match was by address, for the refusal's message. */
export function resolvedVia(match: ProductionHostMatch): string {
  if (match.address === undefined) return '';
  return match.address === 'loopback' ? ' (both are this machine: loopback)' : ` (both resolve to ${match.address})`;
}

import { networkHostOf, type Target } from '../driver/target.js';
import { RefusedError } from '../errors.js';
import { cachedLookup, findProductionHost, type HostLookup } from './hosts.js';
import { resolvedVia, type GuardOptions, type Protection } from './index.js';

export interface FleetGuardInput extends GuardOptions {
  config: Protection;
  /** The fleet as the guard needs it: its name (what is confirmed) and where each member is. */
  fleet: { name: string; members: readonly { name: string; target: Target }[] };
  operation: string;
  lookup?: HostLookup;
}

/**
 * The protected-environment guard for a whole fleet (`migrate down`, `seed`, `exec`): in a
 * protected environment it needs `force` and the fleet's name confirmed; a member on a
 * `productionHosts` host from an unprotected environment is refused outright, as for one database.
 */
export async function assertFleetDestructiveAllowed(input: FleetGuardInput): Promise<void> {
  const { config, fleet, operation } = input;
  const data = { operation, env: config.env, fleet: fleet.name };
  if (!config.protected) {
    // The members share a few hosts: each is resolved once (hosts.ts matches spelling and addresses).
    const lookup = cachedLookup(input.lookup);
    for (const m of fleet.members) {
      const host = networkHostOf(m.target);
      const match = host === undefined ? undefined : await findProductionHost(host, config.productionHosts, lookup);
      if (match !== undefined) {
        const { pattern } = match;
        throw new RefusedError(`fleet ${operation} refused: ${m.name} is on host "${host}", which matches productionHosts pattern "${pattern}"${resolvedVia(match)}, but environment "${config.env}" is not protected`, {
          hint: `run with a protected environment (e.g. --env production) and --force --confirm ${fleet.name}`,
          data: { ...data, member: m.name, pattern },
        }, 'production_host');
      }
    }
    return;
  }
  const where = `${fleet.members.length} database(s) of fleet "${fleet.name}"`;
  if (!input.force) {
    throw new RefusedError(`fleet ${operation} refused: environment "${config.env}" is protected; it would change ${where}`, {
      hint: `pass --force and confirm the fleet name (--confirm ${fleet.name}) if you really mean it`,
      data,
    }, 'protected');
  }
  const confirmed = typeof input.confirm === 'function' ? (await input.confirm(`environment "${config.env}" is protected: fleet ${operation} would change ${where}.\nType the fleet name to confirm: `)).trim() : input.confirm;
  if (confirmed !== fleet.name) {
    throw new RefusedError(`fleet ${operation} refused: ${confirmed === undefined ? 'the fleet name was not confirmed' : `"${confirmed}" does not match the fleet name "${fleet.name}"`} (environment "${config.env}" is protected)`, {
      hint: `confirm with --confirm ${fleet.name}`,
      data,
    }, confirmed === undefined ? 'not_confirmed' : 'confirm_mismatch');
  }
}

import type { ResolvedConfig } from '../config/resolve.js';
import { networkHostOf } from '../driver/target.js';
import { RefusedError } from '../errors.js';
import { cachedLookup, findProductionHost, type HostLookup } from '../guard/hosts.js';
import { resolvedVia } from '../guard/index.js';
import type { Fleet } from './targets.js';

/**
 * The protected-environment guard for a whole fleet (`migrate down`, `seed`, `exec`): in a
 * protected environment it needs `force` and the fleet's name confirmed; a member on a
 * `productionHosts` host from an unprotected environment is refused outright, as for one database.
 */
export async function assertFleetDestructiveAllowed(input: { config: ResolvedConfig; fleet: Fleet; operation: string; force?: boolean; confirm?: string; lookup?: HostLookup }): Promise<void> {
  const { config, fleet, operation } = input;
  const data = { operation, env: config.env, fleet: fleet.name };
  if (!config.protected) {
    // The members share a few hosts: each is resolved once (src/guard matches spelling and addresses).
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
  if (input.confirm !== fleet.name) {
    throw new RefusedError(`fleet ${operation} refused: ${input.confirm === undefined ? 'the fleet name was not confirmed' : `"${input.confirm}" does not match the fleet name "${fleet.name}"`} (environment "${config.env}" is protected)`, {
      hint: `confirm with --confirm ${fleet.name}`,
      data,
    }, input.confirm === undefined ? 'not_confirmed' : 'confirm_mismatch');
  }
}

import { databaseKeyOf, describeTarget, type Target } from '../driver/target.js';
import { ConfigError } from '../errors.js';
import { cachedLookup, serverKeys, type HostLookup } from '../guard/hosts.js';
import type { FleetMember } from './targets.js';

/**
 * Refuses a fleet that lists one database (or tenant schema) twice, whatever the names and URL
 * spellings: a write would run on it twice. Members are the same when their (host, port,
 * database, schema) are; hosts are compared as the guard compares them: by spelling, and, for
 * members that could be the same (same port, database and schema, hosts spelled differently),
 * by address. Two names that reach only this machine's loopback (`localhost`, `127.0.0.1`, `::1`)
 * are one server, and so are a name and an address it resolves to. Two names that merely share an
 * address are not: a proxy that routes by TLS server name (one address, many databases) is common.
 */
export async function assertDistinctMembers(fleetName: string, members: FleetMember[], cwd: string, lookup: HostLookup = cachedLookup()): Promise<void> {
  const targets = members.map((m) => m.target);
  const groups = new Map<string, number[]>();
  targets.forEach((t, i) => {
    const key = `${databaseKeyOf(t) ?? `memory ${i}`}\0${members[i].schema ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const indexes of groups.values()) {
    if (indexes.length < 2) continue;
    const hosts = await serverKeys(indexes.map((i) => targets[i]), lookup);
    const first = new Map<string, number>();
    indexes.forEach((i, k) => {
      const seen = first.get(hosts[k]);
      if (seen === undefined) return void first.set(hosts[k], i);
      const [a, b] = [members[seen], members[i]];
      const where = (m: FleetMember, t: Target) => `"${m.name}" (${describeTarget(t)}${m.schema ? `, schema ${m.schema}` : ''})`;
      throw new ConfigError(`fleet "${fleetName}" lists one database twice: ${where(a, targets[seen])} and ${where(b, targets[i])}`, {
        hint: 'list each database (or tenant schema) once: a write would run on it twice (hosts are compared by address too: localhost is 127.0.0.1)',
        data: { fleet: fleetName, members: [a.name, b.name] },
      }, 'fleet_duplicate');
    });
  }
}

import dns from 'node:dns';
import net from 'node:net';
import { databaseKeyOf, networkHostOf, type Target } from '../driver/target.js';

/**
 * `productionHosts` patterns: a whole host name, case-insensitive, where `*` matches any run of
 * characters (`*.prod.example.com`, `db-prod-*`, `10.0.*`). Returns the first pattern that matches
 * the spelling (a trailing dot and IPv6 brackets aside). See findProductionHost for addresses.
 */
export function matchProductionHost(host: string, patterns: readonly string[]): string | undefined {
  const h = normalizeHost(host);
  return patterns.find((pattern) => patternRegExp(pattern).test(h));
}

/** A host as spelled for comparing: lower case, no trailing dot (`db.` is `db`), no IPv6 brackets. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

function patternRegExp(pattern: string): RegExp {
  const body = normalizeHost(pattern)
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** Every address a host name resolves to (an address resolves to itself); undefined when it does not resolve. */
export type HostLookup = (host: string) => Promise<string[] | undefined>;

/**
 * The system resolver (`dns.lookup`, as the connection itself resolves: /etc/hosts first), every
 * address. A Unix socket directory is no network host: nothing to resolve.
 */
export const systemLookup: HostLookup = async (host) => {
  const h = normalizeHost(host);
  if (!h || h.startsWith('/')) return undefined;
  try {
    return (await dns.promises.lookup(h, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return undefined;
  }
};

/** One lookup per host for the life of the cache (a fleet's members share a few hosts). */
export function cachedLookup(lookup: HostLookup = systemLookup): HostLookup {
  const seen = new Map<string, Promise<string[] | undefined>>();
  return (host) => {
    const h = normalizeHost(host);
    if (!seen.has(h)) seen.set(h, lookup(h));
    return seen.get(h)!;
  };
}

/**
 * An address in one spelling per machine: IPv6 compressed (`0:0:0:0:0:0:0:1` is `::1`), an
 * IPv4-mapped IPv6 address as its IPv4, and every loopback address (127.0.0.0/8, ::1) as
 * `loopback`: they all reach this machine, which is the question a production guard asks.
 */
export function canonicalAddress(address: string): string {
  let a = normalizeHost(address);
  if (net.isIPv6(a)) {
    a = new URL(`http://[${a}]`).hostname.slice(1, -1);
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    if (mapped) a = mapped[1];
    else {
      // The URL parser writes a mapped IPv4 address in hex: ::ffff:7f00:1.
      const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
      if (hex) {
        const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
        a = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
      }
    }
  }
  if (a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a)) return 'loopback';
  return a;
}

export interface ProductionHostMatch {
  pattern: string;
  /** Set when the spelling did not match but an address did: the address both resolve to (`loopback`: this machine). */
  address?: string;
}

/**
 * Whether `host` is a `productionHosts` host, by spelling or by address: `localhost` is
 * `127.0.0.1` is `::1`, and `db-1` is `10.0.4.2` when it resolves there. Every address of the
 * host is compared with every address of each literal pattern, and with each `*` pattern's
 * spelling (`10.0.*`). Resolution failing never lets a host through that its spelling matches;
 * a host that does not resolve is compared by spelling only (the connection would fail too).
 */
export async function findProductionHost(host: string, patterns: readonly string[], lookup: HostLookup = systemLookup): Promise<ProductionHostMatch | undefined> {
  if (!patterns.length) return undefined;
  const spelled = matchProductionHost(host, patterns);
  if (spelled !== undefined) return { pattern: spelled };
  const addresses = await lookup(host);
  if (!addresses?.length) return undefined;
  const mine = new Set(addresses.map(canonicalAddress));
  for (const pattern of patterns) {
    if (pattern.includes('*')) {
      const re = patternRegExp(pattern);
      const hit = addresses.find((a) => re.test(normalizeHost(a)));
      if (hit !== undefined) return { pattern, address: hit };
      continue;
    }
    const theirs = (await lookup(pattern)) ?? [normalizeHost(pattern)];
    const shared = theirs.find((a) => mine.has(canonicalAddress(a)));
    if (shared !== undefined) return { pattern, address: canonicalAddress(shared) === 'loopback' ? 'loopback' : shared };
  }
  return undefined;
}

/** For targets with the same port and database: a key per target that is equal when the host is the same server. */
export async function serverKeys(targets: Target[], lookup: HostLookup): Promise<string[]> {
  const spelled = targets.map((t) => normalizeHost(networkHostOf(t) ?? ''));
  if (new Set(spelled).size === 1) return spelled;
  const literals = new Set(spelled.filter((h) => net.isIP(h)).map(canonicalAddress));
  return Promise.all(spelled.map(async (h) => {
    if (!h || h.startsWith('/')) return h;
    if (net.isIP(h)) return canonicalAddress(h);
    const addresses = (await lookup(h))?.map(canonicalAddress) ?? [];
    if (addresses.length && addresses.every((a) => a === 'loopback')) return 'loopback';
    return addresses.find((a) => literals.has(a)) ?? h;
  }));
}

/** The first of `databases` that is `target` (same port and database, and the same server by spelling or address; the same directory embedded). */
export async function findSameDatabase<D extends { target: Target }>(target: Target, databases: readonly D[], lookup: HostLookup): Promise<D | undefined> {
  const key = databaseKeyOf(target);
  if (key === undefined) return undefined;
  for (const database of databases) {
    if (databaseKeyOf(database.target) !== key) continue;
    const [mine, theirs] = await serverKeys([target, database.target], lookup);
    if (mine === theirs) return database;
  }
  return undefined;
}

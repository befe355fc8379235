import { createHash } from 'node:crypto';

/** dbctl's namespace for seed ids (a fixed random UUID): every table gets a v5 namespace under it. */
export const SEED_NAMESPACE = '0d9f6c1e-5b7a-4c3e-9a0f-6a2d7f1e4b8c';

/**
 * RFC 4122 version 5 UUID (SHA-1 of namespace + name). Stable on every machine, so a seed that
 * names its rows by `id(table, key)` finds them again on the next run instead of adding new ones.
 */
export function uuidv5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new TypeError(`invalid namespace UUID "${namespace}"`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The deterministic id of row `key` of `table`: v5 of the key in the table's own namespace. */
export function seedId(table: string, key: string | number | bigint): string {
  return uuidv5(String(key), uuidv5(table, SEED_NAMESPACE));
}

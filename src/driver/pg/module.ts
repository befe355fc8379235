import { createRequire } from 'node:module';

let pg: typeof import('pg') | undefined;

/**
 * node-postgres, loaded once, synchronously (it is CommonJS). At load it asks whether it runs on
 * Cloudflare Workers: where `navigator` is missing (Node 20) it builds a `Response`, which loads
 * Node's fetch implementation (undici), about 0.1 s of every server command's start-up. A
 * `navigator` that says Node.js, present only while pg loads, answers the question at no cost.
 */
export function loadPg(): typeof import('pg') {
  if (pg) return pg;
  const g = globalThis as { navigator?: unknown };
  const shim = g.navigator === undefined;
  if (shim) Object.defineProperty(g, 'navigator', { value: { userAgent: `Node.js/${process.versions.node}` }, configurable: true, writable: true });
  try {
    return (pg = createRequire(import.meta.url)('pg') as typeof import('pg'));
  } finally {
    if (shim) delete g.navigator;
  }
}

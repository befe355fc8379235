/**
 * The one open / use / always-close helper: databases, hosts and clients all pass through it, so
 * "closed in `finally`, even when `fn` throws" is written once. `close` defaults to the resource's
 * own `close()`; a close that fails after `fn` threw never hides `fn`'s error (the caller's
 * `close` decides whether to swallow its own failures otherwise).
 */
export async function withOpen<R, T>(opening: Promise<R> | R, fn: (resource: R) => Promise<T>, close: (resource: R) => unknown = (r) => (r as { close(): unknown }).close()): Promise<T> {
  const resource = await opening;
  try {
    return await fn(resource);
  } finally {
    await close(resource);
  }
}

/**
 * stdout is the command's result (one JSON document under --json, a table, a script a user pipes).
 * A config file is the user's code, and its console.log or process.stdout.write while it loads goes
 * to stderr instead. Nested and overlapping calls share one redirection (a counter), so the last to
 * finish restores the real stdout.
 */
let depth = 0;
let realWrite: typeof process.stdout.write | undefined;

export async function stdoutToStderr<T>(fn: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    realWrite = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
      (process.stderr.write as (...args: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  }
  try {
    return await fn();
  } finally {
    if (--depth === 0) process.stdout.write = realWrite!;
  }
}

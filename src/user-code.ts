/**
 * Which user file (a migration or seed module) dbctl is running or ran last. A query a user forgot
 * to `await` fails after their function returned, as an unhandled rejection with no stack frame in
 * their file; the CLI reports it against this file instead of crashing with Node's raw stack.
 */
let last: string | undefined;

/** Runs a user module's function, remembering its file. */
export async function inUserCode<T>(file: string, fn: () => Promise<T> | T): Promise<T> {
  last = file;
  return await fn();
}

/** The user file that ran last, if any. */
export function lastUserFile(): string | undefined {
  return last;
}

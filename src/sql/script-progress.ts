/**
 * How far a multi-statement script got before it failed. Postgres sends one CommandComplete per
 * statement of a simple-protocol message and stops at the first error, so the number of
 * CommandCompletes before the ErrorResponse is the index of the failing statement: where a failure
 * without a `position` (a constraint violation, a timeout, a RAISE) happened, known at no cost,
 * without running anything again. The count is put on the error the driver rejects with.
 */
const COMPLETED = Symbol.for('dbctl.completedStatements');

/** The statements of the message that completed before this error, when the driver counted them. */
export function completedStatements(error: unknown): number | undefined {
  const n = (error as { [COMPLETED]?: unknown } | null)?.[COMPLETED];
  return typeof n === 'number' ? n : undefined;
}

export function setCompletedStatements(error: unknown, n: number): void {
  if (error && typeof error === 'object') Object.defineProperty(error, COMPLETED, { value: n, configurable: true });
}

/** The protocol events of a node-postgres client (its `connection`), as far as counting needs them. */
interface PgConnection {
  on(event: 'commandComplete' | 'readyForQuery' | 'errorMessage', listener: (message: any) => void): unknown;
}

/**
 * Counts on a node-postgres client: its connection emits each backend message before the client
 * settles the query's promise, so the error carries the count by the time anyone catches it.
 */
export function countStatements(client: { connection?: PgConnection }): void {
  const connection = client.connection;
  if (!connection?.on) return;
  let completed = 0;
  connection.on('commandComplete', () => completed++);
  connection.on('readyForQuery', () => (completed = 0));
  connection.on('errorMessage', (error) => setCompletedStatements(error, completed));
}

/** Counts in a list of backend messages (PGlite's execProtocol): the CommandCompletes before `error`. */
export function completedBefore(messages: ReadonlyArray<{ name: string }>, error: unknown): number {
  let n = 0;
  for (const m of messages) {
    if (m === error) break;
    if (m.name === 'commandComplete') n++;
  }
  return n;
}

import { describe, expect, it } from 'vitest';
import { classify } from '../../src/cli/classify.js';
import { exitCodeOf, isDbctlError } from '../../src/errors.js';

/**
 * A server error met outside a migration's own SQL is mapped by its SQLSTATE (src/sql/sqlstate.ts).
 * The error objects here have the fields pg's DatabaseError carries; a real "out of shared memory"
 * would need the server's whole lock table filled, which every other session on it would feel.
 */
describe('classify: server errors by SQLSTATE', () => {
  const serverError = (code: string, message: string) => Object.assign(new Error(message), { severity: 'ERROR', code });

  it('53200 (a full lock table) is a one-line error naming max_locks_per_transaction, exit 1, not a bug', () => {
    const e = classify(serverError('53200', 'out of shared memory'), 'migrate diff');
    expect(isDbctlError(e)).toBe(true);
    expect(e).toMatchObject({ code: 'server_out_of_memory', message: 'the server ran out of shared memory: out of shared memory (SQLSTATE 53200)' });
    expect((e as { hint: string }).hint).toMatch(/max_locks_per_transaction/);
    expect(exitCodeOf('server_out_of_memory')).toBe(1);
  });

  it('an SQLSTATE the table does not name stays the error it is', () => {
    const raw = serverError('XX000', 'something internal');
    expect(classify(raw, 'migrate up')).toBe(raw);
  });
});

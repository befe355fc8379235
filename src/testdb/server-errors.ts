import { OperationError, RefusedError, type DbctlError } from '../errors.js';

/**
 * CREATE DATABASE fails in a few ways a test run meets in practice; each becomes one clear line.
 * `otherSessions` lists who is connected to the template when it is in use.
 */
export function createDatabaseError(error: unknown, name: string, template: string | undefined, user: string, otherSessions: string[] = []): DbctlError | undefined {
  const e = error as { code?: string; message?: string };
  switch (e.code) {
    case '42501':
      return new RefusedError(`cannot create test database "${name}": role "${user}" has no CREATEDB privilege`, {
        hint: `grant it (ALTER ROLE "${user}" CREATEDB) or point TEST_DATABASE_URL at a role that has it`,
        cause: error,
      }, 'no_createdb');
    case '55006':
      return new RefusedError(`cannot clone "${template}": the template is in use by ${otherSessions.length ? otherSessions.join(', ') : 'another session'}`, {
        hint: 'Postgres copies a template only while nobody is connected to it; close that session (dbctl templates refuse connections unless altered)',
        data: { sessions: otherSessions },
        cause: error,
      }, 'template_in_use');
    case '53100':
      return new OperationError(`cannot create test database "${name}": the server's disk is full (SQLSTATE 53100)`, {
        hint: 'drop old test databases (`dbctl testdb prune --older-than 1h` or `dbctl testdb drop --all`) or free disk space',
        cause: error,
      }, 'disk_full');
  }
  return undefined;
}

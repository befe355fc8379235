import { errorFor, type DbctlError } from '../errors.js';
import { codeForSqlstate } from './sqlstate.js';

/**
 * CREATE DATABASE fails in a few ways a test run meets in practice; each becomes one clear line.
 * Which SQLSTATE means which code is the table's (sqlstate.ts, its `creating` column); the words
 * are here. `otherSessions` lists who is connected to the template when it is in use.
 */
export function createDatabaseError(error: unknown, name: string, template: string | undefined, user: string, otherSessions: string[] = []): DbctlError | undefined {
  const e = error as { code?: string; message?: string };
  const code = codeForSqlstate(e.code, 'creating');
  switch (code) {
    case 'no_createdb':
      return errorFor(code, `cannot create test database "${name}": role "${user}" has no CREATEDB privilege`, {
        hint: `grant it (ALTER ROLE "${user}" CREATEDB) or point TEST_DATABASE_URL at a role that has it`,
        cause: error,
      });
    case 'template_in_use':
      return errorFor(code, `cannot clone "${template}": the template is in use by ${otherSessions.length ? otherSessions.join(', ') : 'another session'}`, {
        hint: 'Postgres copies a template only while nobody is connected to it; close that session (dbctl templates refuse connections unless altered)',
        data: { sessions: otherSessions },
        cause: error,
      });
    case 'disk_full':
      return errorFor(code, `cannot create test database "${name}": the server's disk is full (SQLSTATE 53100)`, {
        hint: 'drop old test databases (`dbctl testdb prune --older-than 1h` or `dbctl testdb drop --all`) or free disk space',
        cause: error,
      });
  }
  return undefined;
}

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { ExitCode } from '../../src/errors.js';
import { migrateDiff } from '../../src/flows/migrate-diff.js';
import { tempProject } from '../helpers/cli.js';

/**
 * migrate diff loads the desired schema on the embedded engine (Postgres 18): without a check, a
 * virtual generated column or uuidv7() in schema/ became a migration that `migrate up` then refused
 * (postgres.version 15). The schema's files are refused first, naming file:line:col and the version.
 */
describe('migrate diff: postgres.version', () => {
  const SCHEMA = [
    'create function uuidv7() returns uuid language sql as $$ select gen_random_uuid() $$;',
    'create table things (',
    '  id uuid primary key default uuidv7(),',
    '  a bigint,',
    '  b bigint generated always as (a * 2) virtual',
    ');',
    '',
  ].join('\n');
  const project = (version?: number) =>
    tempProject({
      'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' }, ...(version ? { postgres: { version } } : {}) }),
      'migrations/.keep': '',
      'schema/01_things.sql': SCHEMA,
    });

  it('refuses a schema file the production major cannot run, naming file:line:col; nothing is written', async () => {
    const cwd = project(15);
    const config = await resolveConfig({ cwd, database: false });
    const error = await migrateDiff(config, { name: 'things' }).then(() => undefined, (e) => e);
    expect(error?.code).toBe('schema_source_invalid');
    expect(error.exitCode).toBe(ExitCode.usage);
    // uuidv7() is the schema's own function here (a polyfill): only the virtual column is refused.
    expect(error.message).toBe(`${path.join('schema', '01_things.sql')}:5:12: a virtual generated column (18's default when STORED is left out) needs PostgreSQL 18; production runs PostgreSQL 15 (postgres.version)`);
    expect(fs.readdirSync(path.join(cwd, 'migrations'))).toEqual(['.keep']);
  }, 120_000);

  it('18, or no postgres.version: the migration is planned', async () => {
    for (const version of [18, undefined]) {
      const config = await resolveConfig({ cwd: project(version), database: false });
      const result = await migrateDiff(config, { mode: 'dry-run' });
      expect(result.text).toMatch(/VIRTUAL/);
    }
  }, 240_000);
});

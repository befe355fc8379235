import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { UsageError } from '../../src/errors.js';
import { migrateDiff } from '../../src/flows/migrate-diff.js';
import { tempProject } from '../helpers/cli.js';

/**
 * Where migrate diff builds its schemas: PGlite by default, throwaway databases on the configured
 * server with `scratch: 'server'`, or when the schema needs an extension PGlite does not ship
 * (pgstattuple, pgrowlocks: in the server's contrib, not in PGlite's bundles).
 */
const serverUrl = process.env.TEST_DATABASE_URL;
const MIGRATIONS = { 'migrations/001_notes.sql': '-- migrate:up\ncreate table notes (id int primary key, body text);\n-- migrate:down\ndrop table notes;\n' };

async function project(files: Record<string, string>, url?: string) {
  const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }), ...MIGRATIONS, ...files });
  return resolveConfig({ cwd, database: false, environ: {}, url });
}

describe('migrate diff scratch databases, without a server', () => {
  it('--scratch server with no server configured is a usage error (exit 2) saying how to configure one', async () => {
    const config = await project({ 'schema.sql': 'create table notes (id int primary key, body text);\n' });
    const error = await migrateDiff(config, { mode: 'dry-run', schemaPath: 'schema.sql', scratch: 'server' }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/--scratch server, but no server is configured/);
    expect(error.hint).toMatch(/DATABASE_URL/);
  });

  it('a schema needing an extension PGlite lacks, with no server configured, names the extension (exit 2)', async () => {
    const config = await project({ 'schema.sql': 'create extension pgstattuple;\ncreate table notes (id int primary key, body text);\n' });
    const error = await migrateDiff(config, { mode: 'dry-run', schemaPath: 'schema.sql' }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/schema\.sql needs the extension "pgstattuple".*no server is configured/s);
  }, 120_000);
});

describe.skipIf(!serverUrl)('migrate diff scratch databases on the server (TEST_DATABASE_URL)', () => {
  it('--scratch server: the schema loads, the migrations are built and the plan verified on throwaway server databases', async () => {
    // pgrowlocks exists only on the server: had either side been PGlite, the load or the verification would fail.
    const config = await project({ 'schema.sql': 'create extension pgrowlocks;\ncreate table notes (id int primary key, body text, tags text[] not null default \'{}\');\n' }, serverUrl);
    const result = await migrateDiff(config, { mode: 'dry-run', schemaPath: 'schema.sql', scratch: 'server' });
    expect(result.up.map((s) => s.sql)).toEqual(expect.arrayContaining(['CREATE EXTENSION IF NOT EXISTS pgrowlocks WITH SCHEMA public;', expect.stringContaining('ADD COLUMN tags')]));
    expect(result.text).toContain('-- migrate:down');
  }, 300_000);

  it('without --scratch, a schema needing an extension PGlite lacks goes to the configured server by itself', async () => {
    const config = await project({ 'schema.sql': 'create extension pgstattuple;\ncreate table notes (id int primary key, body text);\n' }, serverUrl);
    const result = await migrateDiff(config, { mode: 'dry-run', schemaPath: 'schema.sql' });
    expect(result.up.map((s) => s.object)).toEqual(['extension pgstattuple']);
  }, 300_000);

  it('--scratch embedded keeps PGlite even with a server configured: the missing extension is the load error', async () => {
    const config = await project({ 'schema.sql': 'create extension pgstattuple;\n' }, serverUrl);
    const error = await migrateDiff(config, { mode: 'dry-run', schemaPath: 'schema.sql', scratch: 'embedded' }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/^schema\.sql: extension "pgstattuple" is not available in the embedded database/);
  }, 120_000);
});

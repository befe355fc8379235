import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { openDatabase } from '../../../src/driver/database.js';
import { isDbctlError, type DbctlError } from '../../../src/errors.js';
import { Migrator } from '../../../src/migrate/migrator.js';
import { runSeeds, seedConfig } from '../../../src/seed/index.js';
import { runCli, tempProject } from '../../helpers/cli.js';

/**
 * A user file that does not load (issue 26) is named at `file:line:col`, with the lines around it
 * and a caret, and no stack trace: jiti's parse errors carry the position on a second line that
 * used to be cut off. Loading happens before any SQL, so one backend (embedded, in memory) serves.
 */
const BROKEN_CONFIG = "import { defineConfig } from 'dbctl/config';\n\nexport default defineConfig({\n  migrations: { dir: 'migrations' }\n  url: 'pglite://memory',\n});\n";

describe('a file that does not load is named at file:line:col with a code frame', () => {
  it('dbctl.config.ts with a syntax error: the CLI prints the position and the frame, no stack, exit 2', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': BROKEN_CONFIG });
    for (const args of [['migrate', 'status'], ['-v', 'migrate', 'status']]) {
      const r = await runCli(args, { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error: cannot load dbctl.config.ts:5:3: ParseError: Unexpected token, expected ","');
      expect(r.stderr).toContain("5 |   url: 'pglite://memory',\n  |   ^");
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('a config that throws while it runs is placed at the throw', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': "const url: string | undefined = undefined;\nif (!url) throw new Error('PROD_URL is not set');\nexport default { url };\n" });
    const error = await failure(resolveConfig({ cwd, environ: {} }));
    expect(error.message).toBe('cannot load dbctl.config.ts:2:17: PROD_URL is not set');
    expect(error.failureReport).toContain('2 | if (!url) throw');
  });

  it.each([
    ['a TS migration', '20260101000000_broken.ts', "import type { Kysely } from 'kysely';\nexport async function up(db: Kysely<any>) {\n  await db.schema.createTable('t').addColumn('id', 'integer').execute(;\n}\n", '20260101000000_broken.ts:3:71'],
    ['a JS migration', '20260101000000_broken.mjs', 'export async function up(db) {\n  const x = ;\n}\n', '20260101000000_broken.mjs:2:13'],
  ])('%s with a syntax error: named at its line and column, nothing applied', async (_kind, name, source, where) => {
    const cwd = tempProject({ [`migrations/${name}`]: source, 'migrations/20250101000000_ok.sql': '-- migrate:up\ncreate table ok (id int);\n' });
    const database = await openDatabase({ url: 'pglite://memory', cwd });
    try {
      const error = await failure(new Migrator({ database, migrations: path.join(cwd, 'migrations'), cwd }).up());
      expect(error.code).toBe('migration_load');
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(new RegExp(`^${where.replace(/\./g, '\\.')}: cannot load migration: ParseError: Unexpected token`));
      expect(error.failureReport).toMatch(/\n\s+\|\s+\^/);
      const { rows } = await database.query("select to_regclass('ok') is null as none");
      expect(rows[0].none).toBe(true); // the first, valid migration was not applied either
    } finally {
      await database.close();
    }
  });

  it('a seed with a syntax error: named at its line and column', async () => {
    const cwd = tempProject({ 'seeds/common/01_broken.ts': "export async function seed(ctx: any) {\n  await ctx.upsert('t', [{ id: 1 }]\n}\n" });
    const database = await openDatabase({ url: 'pglite://memory', cwd });
    try {
      const config = await resolveConfig({ cwd, url: 'pglite://memory', environ: {} });
      const error = await failure(runSeeds({ database, ...seedConfig(config) }));
      expect(error.code).toBe('seed_load');
      expect(error.message).toMatch(/^seeds\/common\/01_broken\.ts:3:1: cannot load seed: ParseError: Unexpected token/);
      expect(error.failureReport).toContain('3 | }');
    } finally {
      await database.close();
    }
  });
});

async function failure(promise: Promise<unknown>): Promise<DbctlError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!isDbctlError(error)) throw new Error(`expected a DbctlError, got ${String((error as Error)?.stack ?? error)}`);
  return error;
}

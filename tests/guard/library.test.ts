import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreBackup } from '../../src/backup/restore.js';
import { backupDatabase } from '../../src/backup/backup.js';
import { backupConfig, resetConfig, seedConfig } from '../../src/config/props.js';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { copyDatabase } from '../../src/flows/db-copy.js';
import { recreateDatabase } from '../../src/flows/fresh.js';
import { dropDatabase } from '../../src/database/lifecycle.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { parseTarget } from '../../src/driver/target.js';
import { fleetDown, fleetExec, fleetSeed, runFleet, type Fleet, type FleetOperation } from '../../src/fleet/index.js';
import { confirmName, type GuardOptions } from '../../src/guard/index.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { resetDatabase } from '../../src/reset/index.js';
import { resetAndSeed } from '../../src/flows/reset-and-seed.js';
import { runSeeds } from '../../src/seed/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import { backends } from '../helpers/backends.js';
import { tempProject } from '../helpers/cli.js';
import { counts, fill, PROJECT, withOpen } from '../reset/schema.js';

/**
 * Safety in the core: every destructive library function, called on a protected environment
 * without `force`, refuses (exit 5) and the database is as it was; forced and confirmed (by name,
 * or by a prompt that answers it) it proceeds. No CLI: a library caller cannot walk past the guard.
 * One database per backend; the refusals run first, then each function once for real.
 */
describe.each(backends)('destructive library functions refuse a protected environment on $name', (backend) => {
  const FILLED = { users: 2, weird: 2, camel: 2, notes: 2, log: 2, migrations: 1, history: 1 };
  let t: TestDatabase;
  let cwd: string;
  let production: ResolvedConfig;
  let name: string;
  let fleet: Fleet;
  let backup: string;

  const rowCounts = () => withOpen(t.url, counts);
  /** Runs `fn` on the database, opened for it and closed after (PGlite: one process at a time, and this test opens it elsewhere too). */
  const onDatabase = async <T>(fn: (database: Database) => Promise<T>): Promise<T> => {
    const database = await openDatabase({ url: t.url, cwd });
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  };
  const migrator = (database: Database) => new Migrator({ database, ...migratorConfig(production) });
  const refusal = (promise: Promise<unknown>) => promise.then(() => 'allowed', (e: { code: string; exitCode: number }) => `${e.code} ${e.exitCode}`);
  const fleetRun = (operation: FleetOperation, options: GuardOptions = {}) => runFleet({ fleet, config: production, operationName: 'op', operation, ...options });

  beforeAll(async () => {
    t = await createTestDatabase({ serverUrl: backend.serverUrl });
    cwd = tempProject({ ...PROJECT, 'seeds/common/01_users.sql': "insert into users (name) values ('seeded');\n" });
    production = await resolveConfig({ cwd, env: 'production', url: t.url, environ: {} });
    expect(production.protected).toBe(true);
    name = confirmName(parseTarget(t.url, cwd));
    fleet = { name: 'ops', members: [{ name, url: t.url, target: parseTarget(t.url, cwd), server: 'one', lane: name }] };
    await onDatabase(async (database) => {
      await migrator(database).up();
      await fill(await database.kysely());
      backup = (await backupDatabase({ database, ...backupConfig(production), out: path.join(cwd, 'backups', 'b') })).file;
    });
  });
  afterAll(async () => t?.drop());

  it('each refuses without force (a confirming name alone is not enough) and changes nothing', async () => {
    const confirm = name;
    await onDatabase(async (database) => {
      const refused = {
        reset: await refusal(resetDatabase({ database, ...resetConfig(production), confirm })),
        resetAndSeed: await refusal(resetAndSeed({ database, ...resetConfig(production), seed: seedConfig(production) })),
        seed: await refusal(runSeeds({ database, ...seedConfig(production) })),
        down: await refusal(migrator(database).down({ confirm })),
        redo: await refusal(migrator(database).redo()),
        repair: await refusal(migrator(database).repair()),
        restore: await refusal(restoreBackup({ file: backup, database, ...backupConfig(production), clean: true })),
      };
      expect(refused).toEqual({ reset: 'protected 5', resetAndSeed: 'protected 5', seed: 'protected 5', down: 'protected 5', redo: 'protected 5', repair: 'protected 5', restore: 'protected 5' });
      // Forced, but the prompt answers a wrong name: refused too.
      expect(await refusal(resetDatabase({ database, ...resetConfig(production), force: true, confirm: async () => 'other' }))).toBe('confirm_mismatch 5');
      // A dry run changes nothing, so it needs no confirmation.
      expect(await refusal(migrator(database).down({ dryRun: true }))).toBe('allowed');
    });
    expect({
      drop: await refusal(dropDatabase({ url: t.url, cwd, config: production })),
      fresh: await refusal(recreateDatabase({ config: production })),
      fleetSeed: await refusal(fleetRun(fleetSeed())),
      fleetDown: await refusal(fleetRun(fleetDown())),
      // A fleet confirms with its own name, not a database's.
      fleetExec: await refusal(fleetRun(fleetExec('delete from extra.notes'), { force: true, confirm: name })),
    }).toEqual({ drop: 'protected 5', fresh: 'protected 5', fleetSeed: 'protected 5', fleetDown: 'protected 5', fleetExec: 'confirm_mismatch 5' });
    expect(await rowCounts()).toEqual(FILLED);
  });

  // db copy reads its source on a server snapshot (PGlite cannot be a source): on PGlite this case is skipped.
  it.skipIf(backend.name === 'pglite')('copyDatabase into a protected target refuses without force and changes nothing (server only: the source must be a server)', async () => {
    const from = parseTarget(t.url, cwd);
    expect(await refusal(copyDatabase({ config: production, from, secret: 's', confirm: name }))).toBe('protected 5');
    expect(await refusal(copyDatabase({ config: production, from, secret: 's', force: true, confirm: async () => 'other' }))).toBe('confirm_mismatch 5');
    expect(await rowCounts()).toEqual(FILLED);
  });

  it('each proceeds when forced and confirmed, by name or by a prompt that answers it', async () => {
    const asked: string[] = [];
    const prompt = async (question: string) => (asked.push(question), name);
    const forced = { force: true, confirm: name };
    await onDatabase(async (database) => {
      expect((await resetDatabase({ database, ...resetConfig(production), force: true, confirm: prompt })).truncated).toHaveLength(3);
      expect((await runSeeds({ database, ...seedConfig(production), ...forced })).seeds).toHaveLength(1);
      // reset --seed asks once, not again for its seeds.
      expect((await resetAndSeed({ database, ...resetConfig(production), seed: seedConfig(production), force: true, confirm: prompt })).seeded?.seeds).toHaveLength(1);
      expect(asked).toHaveLength(2);
      await migrator(database).repair([], forced);
      expect((await migrator(database).redo(forced)).results).toHaveLength(2);
      expect((await migrator(database).down(forced)).results).toHaveLength(1);
      await migrator(database).up();
      expect((await restoreBackup({ file: backup, database, ...backupConfig(production), clean: true, ...forced })).differences).toEqual([]);
    });
    expect(await rowCounts()).toEqual(FILLED);
    const exec = await fleetRun(fleetExec('delete from extra.notes where id = 1'), { force: true, confirm: 'ops' });
    expect(exec.summary).toMatchObject({ ok: 1, failed: 0 });
    expect((await rowCounts()).notes).toBe(1);
    const fresh = await recreateDatabase({ config: production, force: true, confirm: prompt });
    expect(fresh.seeded?.seeds).toHaveLength(1);
    expect(asked).toHaveLength(3);
    expect(await rowCounts()).toMatchObject({ users: 1, weird: 0, notes: 0, migrations: 1 });
    expect((await dropDatabase({ url: t.url, cwd, config: production, ...forced })).dropped).toBe(true);
  });
});

describe('a productionHosts host from an unprotected environment', () => {
  it('is refused before any connection, even forced and confirmed', async () => {
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ productionHosts: ['*.prod.example.com'] }) });
    const config = await resolveConfig({ cwd, url: 'postgres://app:hunter2@db1.prod.example.com:5432/shop', environ: {} });
    const error = await dropDatabase({ target: config.target, config, force: true, confirm: 'shop' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'production_host', exitCode: 5 });
    expect(error.message).not.toContain('hunter2');
  });
});

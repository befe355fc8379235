import { backupConfig } from '../../src/config/props.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/backup/backup.js';
import { restoreIntoNewDatabase } from '../../src/flows/restore-into-new.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { recreateDatabase, type FreshEvent } from '../../src/flows/fresh.js';
import { withDatabaseFor } from '../../src/driver/open-for.js';
import { databaseName, withDatabase as withDatabaseName } from '../../src/driver/target.js';
import { manifestPathFor } from '../../src/backup/manifest.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { tempProject } from '../helpers/cli.js';

const PROJECT = {
  'migrations/001_t.sql': '-- migrate:up\ncreate table t (id int primary key, note text);\n-- migrate:down\ndrop table t;\n',
  'seeds/common/01_t.ts': "export default async function seed({ db }: any) { await db.insertInto('t').values([{ id: 1, note: 'a' }, { id: 2, note: null }]).execute(); }\n",
};

/** `db fresh` and `restore --create` as library functions, with no CLI around them. */
describe.each(backends)('database workflows as library functions ($name)', (backend) => {
  it('recreateDatabase drops, creates, migrates and seeds, step by step; a protected environment is refused unless forced and confirmed', async () => {
    const cwd = tempProject(PROJECT);
    const url = backend.serverUrl ? (await freshDatabase(backend)).url : `pglite://${path.join(cwd, 'db')}`;
    const config = await resolveConfig({ cwd, url, environ: {} });
    await withDatabaseFor(config, 'command', (db) => db.query('create table leftover (x int)'));

    const events: FreshEvent['type'][] = [];
    const report = await recreateDatabase({ config, force: true, onEvent: (e) => events.push(e.type) });
    expect(events).toEqual(['dropped', 'created', 'migrated', 'seeded']);
    expect(report).toMatchObject({ dropped: { dropped: true }, created: { created: true } });
    expect(report.migrated.results).toHaveLength(1);
    const rows = await withDatabaseFor(config, 'command', async (db) => ({
      t: (await db.query('select count(*)::int as n from t')).rows[0].n,
      leftover: (await db.query(`select to_regclass('leftover') is not null as there`)).rows[0].there,
    }));
    expect(rows).toEqual({ t: 2, leftover: false });

    const prod = await resolveConfig({ cwd, url, env: 'production', environ: {} });
    await expect(recreateDatabase({ config: prod, seed: false })).rejects.toMatchObject({ code: 'protected', exitCode: 5 });
    const again = await recreateDatabase({ config: prod, seed: false, force: true, confirm: databaseName(prod.target) });
    expect(again.seeded).toBeUndefined();
  });

  it('restoreIntoNewDatabase creates the database, restores and verifies; a failed restore removes what it made', async () => {
    const cwd = tempProject(PROJECT);
    const source = await freshDatabase(backend);
    const config = await resolveConfig({ cwd, url: source.url, environ: {} });
    await withDatabaseFor(config, 'command', (db) => db.query(`create table t (id int primary key, note text); insert into t values (1, 'a'), (2, null)`));
    const { file } = await withDatabaseFor(config, 'command', (database) => backupDatabase({ database, ...backupConfig(config) }));

    const name = `dbctl_tmp_restore_${crypto.randomBytes(4).toString('hex')}`;
    // Embedded, restore --create makes NAME beside the configured database (never in the project root).
    const where = (n: string) => (backend.serverUrl ? withDatabaseName(source.url, n) : `pglite://${path.join(path.dirname((config.target as { dataDir: string }).dataDir), n)}`);
    try {
      const report = await restoreIntoNewDatabase({ create: name, file, config });
      expect(report).toMatchObject({ differences: [], rows: 2 });
      const restored = await resolveConfig({ cwd, url: where(name), environ: {} });
      expect(await withDatabaseFor(restored, 'command', async (db) => (await db.query('select count(*)::int as n from t')).rows[0].n)).toBe(2);
      await expect(restoreIntoNewDatabase({ create: name, file, config })).rejects.toMatchObject({ code: 'usage', exitCode: 2, message: expect.stringMatching(/already exists/) });

      const garbage = path.join(cwd, 'garbage.sql');
      fs.copyFileSync(manifestPathFor(file), manifestPathFor(garbage));
      fs.writeFileSync(garbage, 'this is not a dump\n');
      const discarded: Array<{ name: string; error?: Error }> = [];
      await expect(restoreIntoNewDatabase({ create: `${name}_b`, file: garbage, config, onDiscard: (o) => discarded.push(o) })).rejects.toThrow();
      expect(discarded).toEqual([{ name: `${name}_b`, building: expect.stringContaining(`${name}_b`) }]);
      const gone = await resolveConfig({ cwd, url: where(`${name}_b`), environ: {} });
      if (backend.serverUrl) await expect(withDatabaseFor(gone, 'command', async () => {}, { connectTimeoutMs: 0 })).rejects.toMatchObject({ code: 'database_missing' });
      else expect(fs.existsSync(path.join(path.dirname((config.target as { dataDir: string }).dataDir), `${name}_b`))).toBe(false);
    } finally {
      const made = await resolveConfig({ cwd, url: where(name), environ: {} });
      const { dropDatabase } = await import('../../src/database/lifecycle.js');
      await dropDatabase({ url: made.url, target: made.target, cwd, force: true }).catch(() => {});
    }
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/open.js';
import { ExitCode } from '../../src/errors.js';
import { squashMigrations } from '../../src/flows/squash.js';
import { checksumOf, listMigrationFiles } from '../../src/migrate/files.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { MIGRATIONS_DIR } from '../example/helpers.js';
import { backends, freshDatabase, type Backend } from '../helpers/backends.js';
import { tempProject } from '../helpers/cli.js';
import { serverHasVector } from '../helpers/vector.js';

/** A project folder with `migrations`, and a way to open databases migrated by it. */
async function project(backend: Backend, files: Record<string, string>) {
  const cwd = tempProject(Object.fromEntries(Object.entries(files).map(([k, v]) => [`migrations/${k}`, v])));
  const opened: Database[] = [];
  const config = async (url: string) => resolveConfig({ cwd, url, environ: {} });
  const db = async () => {
    const t = await freshDatabase(backend);
    const database = await openDatabase({ url: t.url, cwd });
    opened.push(database);
    const migrator = async () => new Migrator({ database, ...migratorConfig(await config(t.url)) });
    return { url: t.url, database, migrator, config: () => config(t.url) };
  };
  return { cwd, db, close: () => Promise.all(opened.map((d) => d.close())) };
}

const exampleFiles = () => Object.fromEntries(fs.readdirSync(MIGRATIONS_DIR).map((f) => [f, fs.readFileSync(path.join(MIGRATIONS_DIR, f), 'utf8')]));

describe.each(backends)('migrate squash on $name', (backend) => {
  it('the example: a migrated database lands the squash running nothing; a partial one is refused; a fresh one builds from it', async (ctx) => {
    if (backend.serverUrl && !(await serverHasVector(backend.serverUrl))) ctx.skip('no pgvector on this server');
    const p = await project(backend, exampleFiles());
    try {
      const before = await p.db();
      await (await before.migrator()).up();
      const partial = await p.db();
      await (await partial.migrator()).up({ to: '20261122170200_courses' });

      const report = await squashMigrations({ config: await before.config(), database: before.database });
      expect(report.squashed).toHaveLength(7);
      expect(report.baseline.name).toBe('20261122170700_squash');
      const dir = path.join(p.cwd, 'migrations');
      expect(fs.readdirSync(dir)).toEqual(['.squashed', '20261122170700_squash.sql']);
      expect(fs.readdirSync(path.join(dir, '.squashed', '20261122170700_squash'))).toHaveLength(7);
      const text = fs.readFileSync(report.baseline.file, 'utf8');
      expect(text).toMatch(/^-- squash baseline/);
      expect(text).toContain('-- squashes: 20261122170300_interactions');

      const queries: string[] = [];
      const stop = before.database.onQuery((e) => queries.push(e.query.sql));
      const migrator = await before.migrator();
      const up = await migrator.up();
      stop();
      expect(up.results).toEqual([]);
      expect(queries.filter((q) => /create table (?!if not exists)|insert into "public"\."users"/i.test(q))).toEqual([]);
      expect((await migrator.status()).migrations.map((m) => [m.name, m.state])).toEqual([['20261122170700_squash', 'applied']]);
      await migrator.verify();
      const { rows } = await before.database.query<{ applied_by: string }>(`select applied_by from dbctl_migration where name = '20261122170700_squash'`);
      expect(rows[0].applied_by).toMatch(/^squash: stands for 7 applied migration\(s\)/);

      const refused = await (await partial.migrator()).up().catch((e) => e);
      expect(refused).toMatchObject({ exitCode: ExitCode.refused, code: 'squash_partial' });
      expect(refused.message).toContain('missing 20261122170300_interactions, 20261122170400_read_models');

      const fresh = await p.db();
      const built = await (await fresh.migrator()).up();
      expect(built.results.map((r) => r.name)).toEqual(['20261122170700_squash']);
    } finally {
      await p.close();
    }
  });
});

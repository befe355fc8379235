import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
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
  it('the example: a migrated database lands the squash running nothing; a partial one is refused', async (ctx) => {
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

    } finally {
      await p.close();
    }
  });
});

/** 200 migrations: tables, columns, indexes, and every tenth one inserting reference rows. */
function generated(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let n = 1; n <= 200; n++) {
    const id = String(n).padStart(4, '0');
    const t = `t${Math.ceil(n / 10)}`;
    const up = n % 10 === 1
      ? `create table ${t} (id int generated always as identity primary key, code text not null unique, label text);`
      : n % 10 === 0
        ? `insert into ${t} (code, label) values ('a${n}', 'first'), ('b${n}', null), ('c${n}', 'it''s');`
        : `alter table ${t} add column c${n} int default ${n};`;
    const down = n % 10 === 1 ? `drop table ${t};` : n % 10 === 0 ? `delete from ${t} where code in ('a${n}', 'b${n}', 'c${n}');` : `alter table ${t} drop column c${n};`;
    files[`${id}_m${n}.sql`] = `-- migrate:up\n${up}\n-- migrate:down\n${down}\n`;
  }
  return files;
}

describe.each(backends)('migrate squash of 200 migrations on $name', (backend) => {
  it('--to 0199 --delete: one baseline with the reference rows, the last one untouched', async () => {
    const p = await project(backend, generated());
    try {
      const target = await p.db();
      const dir = path.join(p.cwd, 'migrations');
      const sums = () => Object.fromEntries(listMigrationFiles(dir).filter((f) => f.name >= '0200').map((f) => [f.name, checksumOf(f.file)]));
      const before = sums();
      const report = await squashMigrations({ config: await target.config(), to: '0199_m199', delete: true });
      expect(report.squashed).toHaveLength(199);
      expect(report.data.map((t) => [t.table, t.rows])).toContainEqual(['t19', 3]);
      expect(fs.readdirSync(dir)).toHaveLength(2);
      expect(sums()).toEqual(before);
      const up = await (await target.migrator()).up();
      expect(up.results.map((r) => r.name)).toEqual(['0199_squash', ...Object.keys(before)]);
      const { rows } = await target.database.query<{ n: number; next: number }>(`select count(*)::int as n from t20`);
      expect(rows[0].n).toBe(3);
      await target.database.query(`insert into t19 (code) values ('new')`);
      expect((await target.database.query<{ id: number }>(`select id from t19 where code = 'new'`)).rows[0].id).toBe(4);
    } finally {
      await p.close();
    }
  });
});

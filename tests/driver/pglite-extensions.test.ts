import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/driver/database.js';
import { bundleFile, bundleNames, PGLITE_EXTENSIONS, untar } from '../../src/driver/pglite/extensions.js';
import { freshDatabase } from '../helpers/backends.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { tempProject } from '../helpers/cli.js';
import { sqlMigration } from '../migrate/helpers.js';

const pglite = { name: 'pglite' as const };

describe('extensions on the embedded database', () => {
  it("the catalogue matches the bundles PGlite ships (a PGlite upgrade that changes them fails here)", () => {
    const shipped = fs.readdirSync(path.dirname(bundleFile('pg_trgm'))).filter((f) => f.endsWith('.tar.gz')).map((f) => f.replace('.tar.gz', ''));
    expect(bundleNames().filter((b) => b !== 'vector').sort()).toEqual(shipped.sort());
    const controls: string[] = [];
    for (const bundle of bundleNames()) {
      const names = untar(gunzipSync(fs.readFileSync(bundleFile(bundle)))).map((e) => e.name);
      controls.push(...names.filter((n) => n.endsWith('.control')).map((n) => path.basename(n, '.control')));
    }
    expect(controls.sort()).toEqual([...PGLITE_EXTENSIONS]);
  });

  it('pg_available_extensions lists every shipped extension before any is unpacked (the example checks it for vector)', async () => {
    const database = await openDatabase({ url: 'pglite://memory' });
    try {
      const { rows } = await database.query(`select name from pg_available_extensions where name <> 'plpgsql' order by name`);
      expect(rows.map((r) => r.name)).toEqual([...PGLITE_EXTENSIONS]);
      await database.query('create extension vector');
      expect((await database.query(`select '[1,2]'::vector(2)::text as v`)).rows[0].v).toBe('[1,2]');
    } finally {
      await database.close();
    }
  });

  it('a migration creates every shipped extension; a new session loads their libraries on first use', async () => {
    const t = await freshDatabase(pglite);
    const cwd = tempProject({
      'migrations/001_all.sql': sqlMigration(PGLITE_EXTENSIONS.map((e) => `create extension if not exists "${e}" cascade;`).join('\n')),
      'migrations/002_use.sql': sqlMigration(`create table t (s text, e vector(2), c citext);
        create index t_trgm on t using gin (s gin_trgm_ops);
        insert into t values ('hello', '[1,2]', 'AbC');`),
    });
    const first = await openDatabase({ url: t.url, cwd });
    try {
      await new Migrator({ database: first, ...migratorConfig(await resolveConfig({ cwd, url: t.url, environ: {} })) }).up();
      const { rows } = await first.query(`select extname from pg_extension where extname <> 'plpgsql'`);
      expect(rows.map((r) => r.extname).sort()).toEqual([...PGLITE_EXTENSIONS]);
    } finally {
      await first.close();
    }
    // A new PGlite instance: nothing unpacked yet, so each library comes from its bundle on first use.
    const again = await openDatabase({ url: t.url });
    try {
      const { rows } = await again.query(`select similarity(s, 'hallo') > 0 as trgm, e <-> '[1,3]' as dist, c = 'abc' as ci,
        digest('x', 'sha256') is not null as crypto, uuid_generate_v4() is not null as uuid from t`);
      expect(rows).toEqual([{ trgm: true, dist: 1, ci: true, crypto: true, uuid: true }]);
    } finally {
      await again.close();
    }
  });

  it('CREATE EXTENSION of one PGlite lacks names it and says how to get a server that has it', async () => {
    const t = await freshDatabase(pglite);
    const database = await openDatabase({ url: t.url });
    try {
      const error = await database.query('create extension postgis').catch((e) => e);
      expect(error.message).toMatch(/^extension "postgis" is not available in the embedded database .*docker compose.*--url/);
      expect(error.message).not.toContain('\n');
      expect(error.hint).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});

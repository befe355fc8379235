import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends, freshDatabase, type Backend } from '../../helpers/backends.js';
import { execSql, ok, project, rewriteDump, TEST_ROWS, TEST_SCHEMA } from '../../backup/helpers.js';

/** A fresh database holding the test schema. */
async function seeded(backend: Backend) {
  const t = await freshDatabase(backend);
  await execSql(t.url, TEST_SCHEMA);
  return t;
}

/**
 * Checks that never reach the backend's own code (a file refused before any database is touched,
 * the protected-environment guard, file rotation) run on one backend only: the server when there
 * is one (it is faster), else PGlite. Running them twice was a fifth of this file's time.
 */
const once = backends.at(-1)!;

describe.each(backends)('dbctl backup / restore on $name', (backend) => {
  const onceOnly = backend !== once;
  it('round trip: backup, restore into a new database, verify (the binary, end to end)', async () => {
    const src = await seeded(backend);
    const p = project();
    const backup = ok(await p.spawn(['--url', src.url, 'backup', '--json']));
    expect(backup.format).toBe(backend.name === 'pg' ? 'custom' : 'plain');
    expect(backup.file).toMatch(new RegExp(`^backups/${src.name}-\\d{8}T\\d{6}\\.\\d{3}Z\\.(dump|sql)$`));
    expect(backup.tables).toBe(2);
    expect(backup.rows).toBe(TEST_ROWS);
    expect(typeof backup.durationMs.dump).toBe('number');
    expect(typeof backup.durationMs.total).toBe('number');
    const manifest = JSON.parse(fs.readFileSync(path.join(p.cwd, backup.manifestFile), 'utf8'));
    expect(manifest).toMatchObject({ manifestVersion: 1, content: 'full', backend: backend.name, migrations: { applied: [] } });
    expect(manifest.dbctlVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.serverVersionNum).toBeGreaterThan(150000);
    expect(manifest.tables.map((t: any) => `${t.schema}.${t.name}:${t.rows}`)).toEqual(['app.customer:200', 'public.orders:500']);

    const dst = await freshDatabase(backend);
    const restored = ok(await p.spawn(['restore', backup.file, '--into', dst.url, '--json']));
    expect(restored).toMatchObject({ ok: true, differences: [], tables: 2, rows: TEST_ROWS, cleaned: false });
    expect(restored.method).toBe(backend.name === 'pg' ? 'pg_restore' : 'sql-loader');
    // Into an existing database pg_restore loads a server dump's rows; dbctl's loader a plain one's.
    expect(restored.rowsLoadedBy).toBe(backend.name === 'pg' ? 'pg_restore' : 'dbctl');
    expect(typeof restored.durationMs.restore).toBe('number');
    expect(typeof restored.durationMs.verify).toBe('number');
    // Identities and sequences continue where the source left off; the foreign key is back.
    expect(await execSql(dst.url, `insert into app.customer (name, created_at) values ('next', now()) returning id`)).toEqual([{ id: 201 }]);
    await expect(execSql(dst.url, `insert into orders (customer_id) values (9999)`)).rejects.toThrow(/foreign key/);
    await execSql(dst.url, `delete from app.customer where name = 'next'`);

    const human = await p.spawn(['backup', 'verify', backup.file, '--url', dst.url]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/verified 2 table\(s\), 700 row\(s\) against the manifest: identical/);
    expect(human.stdout).toMatch(/time: verify \d+\.\d\d s/);
  });

  /** A backup of a seeded database restored into a new one, in this process. */
  const restoredCopy = async () => {
    const src = await seeded(backend);
    const p = project();
    const backup = ok(await p.run(['--url', src.url, 'backup', '--json']));
    const dst = await freshDatabase(backend);
    ok(await p.run(['restore', backup.file, '--into', dst.url, '--json']));
    const manifest = JSON.parse(fs.readFileSync(path.join(p.cwd, backup.manifestFile), 'utf8'));
    return { p, backup, dst, manifest };
  };

  it('backup verify of a tampered database exits 1 and names each difference', async () => {
    const { p, backup, dst, manifest } = await restoredCopy();
    await execSql(dst.url, `update app.customer set name = 'tampered' where id = 3; delete from orders where id = 10`);
    const tampered = await p.run(['backup', 'verify', backup.file, '--url', dst.url, '--json']);
    expect(tampered.code).toBe(1);
    expect(tampered.json().differences).toEqual([
      { table: 'app.customer', problem: 'content', expected: manifest.tables[0].hash, actual: expect.any(String) },
      { table: 'public.orders', problem: 'rows', expected: 500, actual: 499 },
    ]);
  });

  it('restore over a non-empty database: refused without --clean (exit 5), replaced with it', async () => {
    const { p, backup, dst } = await restoredCopy();
    const refused = await p.run(['restore', backup.file, '--into', dst.url, '--json']);
    expect(refused.code).toBe(5);
    expect(refused.json().error.code).toBe('not_empty');
    const cleaned = await p.run(['restore', backup.file, '--into', dst.url, '--clean']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toMatch(/\(cleaned first\)/);
    expect(cleaned.stdout).toMatch(/identical/);
    expect(cleaned.stdout).toMatch(/time: restore \d+\.\d\d s, verify \d+\.\d\d s, total \d+\.\d\d s/);
  });

  it('a restore whose data differs from the manifest exits 1 and lists the tables', async () => {
    const src = await seeded(backend);
    const p = project();
    const { file } = ok(await p.run(['--url', src.url, 'backup', '--format', 'plain', '--json']));
    // Change one value in the dump and re-sign it, as if the dump tool had lost it: only the
    // content verification can notice.
    const text = fs.readFileSync(path.join(p.cwd, file), 'utf8');
    const edited = text.replace(/name 17\b/, 'name 17x');
    expect(edited).not.toBe(text);
    rewriteDump(p.cwd, file, edited);

    const dst = await freshDatabase(backend);
    const result = await p.run(['restore', file, '--into', dst.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/1 table\(s\) differ from the manifest/);
    expect(result.stdout).toMatch(/app\.customer\s+content/);
    expect(result.stderr).toMatch(/verification failed: 1 table\(s\) differ/);
  });

  it('schema-only restores empty tables; a data-only backup then fills them', async () => {
    const src = await seeded(backend);
    const p = project();
    const schema = ok(await p.run(['--url', src.url, 'backup', '--schema-only', '--out', 'backups/schema.dump', '--json']));
    expect(schema.content).toBe('schema-only');
    const data = ok(await p.run(['--url', src.url, 'backup', '--data-only', '--out', 'backups/data.dump', '--json']));
    expect(data.content).toBe('data-only');
    const dst = await freshDatabase(backend);
    const r1 = ok(await p.run(['restore', schema.file, '--into', dst.url, '--json']));
    expect(r1).toMatchObject({ ok: true, tables: 2, rows: 0 });
    expect(await execSql(dst.url, `select (select count(*)::int from app.customer) + (select count(*)::int from orders) as n`)).toEqual([{ n: 0 }]);
    const r2 = ok(await p.run(['restore', data.file, '--into', dst.url, '--json']));
    expect(r2).toMatchObject({ ok: true, tables: 2, rows: TEST_ROWS, differences: [] });
    // The full backup of the source verifies against the rebuilt database.
    const full = ok(await p.run(['--url', src.url, 'backup', '--json']));
    expect(ok(await p.run(['backup', 'verify', full.file, '--url', dst.url, '--json'])).differences).toEqual([]);
    // A second data-only restore would duplicate rows: refused until --clean truncates first.
    expect((await p.run(['restore', data.file, '--into', dst.url])).code).toBe(5);
    expect(ok(await p.run(['restore', data.file, '--into', dst.url, '--clean', '--json'])).ok).toBe(true);
  });

  it('a missing or too old pg_dump is a clear error on a server; PGlite needs none', async () => {
    const src = await seeded(backend);
    const p = project();
    if (backend.name === 'pglite') {
      ok(await p.run(['--url', src.url, 'backup'], { PG_DUMP: '/nonexistent/pg_dump' }));
      return;
    }
    const withPassword = src.url.replace('://postgres@', '://postgres:s3cret-pw@');
    const missing = await p.run(['--url', withPassword, 'backup'], { PG_DUMP: '/nonexistent/pg_dump' });
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/pg_dump not found: cannot run "\/nonexistent\/pg_dump"/);
    expect(missing.stderr).toMatch(/backups\.pgDump or PG_DUMP/);
    const old = path.join(p.cwd, 'old-pg_dump');
    fs.writeFileSync(old, '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n', { mode: 0o755 });
    const tooOld = await p.run(['--url', withPassword, 'backup'], { PG_DUMP: old });
    expect(tooOld.code, tooOld.stderr).toBe(2);
    expect(tooOld.stderr).toMatch(/pg_dump 9\.6 is older than the server \(PostgreSQL 1\d\.\d+\)/);
    // The password reaches pg_dump through the environment only, and never the output.
    const good = await p.run(['--url', withPassword, 'backup', '--json']);
    expect(good.code, good.stderr).toBe(0);
    for (const r of [missing, tooOld, good]) expect(r.stdout + r.stderr).not.toContain('s3cret-pw');
    expect(p.backups()).toHaveLength(2);
  });

  it.skipIf(onceOnly)('refuses a file that is not a backup, and a corrupt one, before touching the database (on one backend: backend-independent)', async () => {
    const src = await seeded(backend);
    const p = project({ 'notes.sql': 'select 1;\n' });
    const notBackup = await p.run(['--url', src.url, 'restore', 'notes.sql', '--json']);
    expect(notBackup.code).toBe(2);
    expect(notBackup.json().error).toMatchObject({ code: 'not_a_backup' });
    expect((await p.run(['--url', src.url, 'restore', 'missing.dump'])).stderr).toMatch(/backup file not found/);

    const { file } = ok(await p.run(['--url', src.url, 'backup', '--json']));
    const dumpPath = path.join(p.cwd, file);
    const bytes = fs.readFileSync(dumpPath);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(dumpPath, bytes);
    const dst = await freshDatabase(backend);
    const corrupt = await p.run(['restore', file, '--into', dst.url, '--json']);
    expect(corrupt.code).toBe(1);
    expect(corrupt.json().error.code).toBe('corrupt_backup');

    // Garbage with a matching checksum: the restore tool fails, and nothing is left half-restored.
    rewriteDump(p.cwd, file, 'this is not a dump\n');
    const garbage = await p.run(['restore', file, '--into', dst.url]);
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toMatch(/failed/);
    expect(await execSql(dst.url, `select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`)).toEqual([{ n: 0 }]);
  });

  it('restore --create makes a new database, refuses an existing name, and removes what it made when the restore fails', async () => {
    const src = await seeded(backend);
    const p = project();
    const { file } = ok(await p.run(['--url', src.url, 'backup', '--json']));
    const name = `dbctl_tmp_create_${Math.random().toString(36).slice(2, 10)}`;
    // Where --create NAME lands: beside the configured database (on its server, or in its folder).
    const beside = (n: string) => path.join(path.dirname(src.url.replace(/^pglite:\/\//, '')), n);
    const urlOf = (n: string) => (backend.name === 'pg' ? src.url.replace(/\/[^/?]*(\?|$)/, `/${n}$1`) : `pglite://${beside(n)}`);
    const exists = async (n: string) =>
      backend.name === 'pg'
        ? (await execSql(src.url, `select 1 from pg_database where datname = '${n}'`)).length > 0
        : fs.existsSync(beside(n));
    try {
      const made = ok(await p.run(['--url', src.url, 'restore', file, '--create', name, '--json']));
      expect(made).toMatchObject({ ok: true, differences: [], rows: TEST_ROWS });
      expect(await execSql(urlOf(name), 'select count(*)::int as n from app.customer')).toEqual([{ n: 200 }]);

      const again = await p.run(['--url', src.url, 'restore', file, '--create', name]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/already exists/);

      // The database is created before the dump is read: a dump that fails must not leave it behind.
      rewriteDump(p.cwd, file, 'this is not a dump\n');
      const failed = await p.run(['--url', src.url, 'restore', file, '--create', `${name}_b`]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(new RegExp(`removed \\S+, the unfinished restore into ${name}_b; ${name}_b was not created`));
      expect(await exists(`${name}_b`)).toBe(false);
    } finally {
      if (backend.name === 'pg') await execSql(src.url, `drop database if exists ${name} with (force)`);
    }
  });

  it.skipIf(onceOnly)('protected environments refuse restore --clean unless forced and confirmed (on one backend: backend-independent)', async () => {
    const src = await seeded(backend);
    const p = project();
    const { file } = ok(await p.run(['--url', src.url, 'backup', '--json']));
    await execSql(src.url, `delete from orders where id > 100`);
    const refused = await p.run(['--env', 'production', '--url', src.url, 'restore', file, '--clean', '--json']);
    expect(refused.code).toBe(5);
    expect(refused.json().error.code).toBe('protected');
    expect(await execSql(src.url, `select count(*)::int as n from orders`)).toEqual([{ n: 100 }]);
    const name = backend.name === 'pg' ? src.name : path.basename(src.url);
    const forced = await p.run(['--env', 'production', '--url', src.url, 'restore', file, '--clean', '--force', '--confirm', name, '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json()).toMatchObject({ ok: true, cleaned: true, rows: TEST_ROWS });
  });

  it.skipIf(onceOnly)('backup prune --keep N keeps the newest N (on one backend: backend-independent)', async () => {
    const src = await seeded(backend);
    const p = project();
    const files: string[] = [];
    for (let i = 0; i < 3; i++) files.push(ok(await p.run(['--url', src.url, 'backup', '--schema-only', '--json'])).file);
    const dry = ok(await p.run(['backup', 'prune', '--keep', '2', '--dry-run', '--json']));
    expect(dry.removed.map((b: any) => b.file)).toEqual([files[0]]);
    expect(p.backups()).toHaveLength(6);
    const pruned = ok(await p.run(['backup', 'prune', '--keep', '2', '--json']));
    expect(pruned.removed.map((b: any) => b.file)).toEqual([files[0]]);
    expect(pruned.kept.map((b: any) => b.file)).toEqual([files[2], files[1]]);
    expect(p.backups()).toEqual(files.slice(1).flatMap((f) => [path.basename(f), `${path.basename(f)}.manifest.json`]).sort());
    // Nothing is older than a week yet.
    expect(ok(await p.run(['backup', 'prune', '--older-than', '7d', '--json'])).removed).toEqual([]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAgainstManifest, type Manifest } from '../../src/backup/index.js';
import { canonicalSettingsScript, digestOf, querySums } from '../../src/catalog/contents.js';
import { openDatabase } from '../../src/driver/database.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { execSql, ok, project } from './helpers.js';

/**
 * The content digest hashes the whole row whatever the columns are called: it once wrote the row
 * as `r`, which a column named `r` took over, so such a table was hashed by that column alone and
 * a change in any other column went unseen. Manifests now say `digestVersion: 2`; one without it
 * (written before) still verifies, its `r` tables checked with the digest it was made with.
 */
describe.each(backends)('the digest of a table with a column named r ($name)', (backend) => {
  const SCHEMA = `create table t (id int primary key, r text, note text);
    insert into t select g, 'same', 'note ' || g from generate_series(1, 20) g;
    create table plain (id int primary key); insert into plain select generate_series(1, 5)`;

  async function withDb<T>(url: string, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
    const db = await openDatabase({ url });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  /** The manifest as dbctl wrote it before digest version 2: t's hash is that of its column r. */
  async function legacyManifest(url: string, manifest: Manifest): Promise<Manifest> {
    const legacy = await withDb(url, (db) =>
      db.session(async (client) => {
        await client.query(`begin read only; ${canonicalSettingsScript()}`);
        try {
          return digestOf(await querySums(client, { schema: 'public', table: 't' }, undefined, true));
        } finally {
          await client.query('rollback');
        }
      }),
    );
    const { digestVersion: _, ...old } = manifest;
    return { ...old, tables: manifest.tables.map((t) => (t.name === 't' ? { ...t, hash: legacy } : t)) } as Manifest;
  }

  it('a change in another column than r is a content difference; an old manifest still verifies and still catches a change in r', async () => {
    const src = await freshDatabase(backend);
    await execSql(src.url, SCHEMA);
    const p = project();
    const { file } = ok(await p.run(['--url', src.url, 'backup', '--json']));
    const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(p.cwd, `${file}.manifest.json`), 'utf8'));
    expect(manifest.digestVersion).toBe(2);
    const old = await legacyManifest(src.url, manifest);
    // The digest changed only for the table with a column named r.
    expect(old.tables.find((t) => t.name === 't')!.hash).not.toBe(manifest.tables.find((t) => t.name === 't')!.hash);

    await withDb(src.url, async (db) => {
      expect((await verifyAgainstManifest(db, manifest)).differences).toEqual([]);
      expect((await verifyAgainstManifest(db, old)).differences).toEqual([]);
    });
    // Restored from an old manifest: the backup still verifies.
    fs.writeFileSync(path.join(p.cwd, `${file}.manifest.json`), JSON.stringify(old));
    const dst = await freshDatabase(backend);
    const restored = await p.run(['restore', file, '--into', dst.url, '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.json()).toMatchObject({ ok: true, differences: [] });

    await execSql(src.url, `update t set note = 'changed' where id = 3`);
    await withDb(src.url, async (db) => {
      expect((await verifyAgainstManifest(db, manifest)).differences).toEqual([{ table: 'public.t', problem: 'content', expected: manifest.tables.find((t) => t.name === 't')!.hash, actual: expect.any(String) }]);
    });
    await execSql(src.url, `update t set note = 'note 3', r = 'other' where id = 3`);
    await withDb(src.url, async (db) => {
      expect((await verifyAgainstManifest(db, manifest)).differences.map((d) => d.table)).toEqual(['public.t']);
      expect((await verifyAgainstManifest(db, old)).differences.map((d) => d.table)).toEqual(['public.t']);
    });
  });

  it.runIf(backend.name === 'pg')('a directory backup (hashed from the COPY files) and a custom one agree on it', async () => {
    const src = await freshDatabase(backend);
    await execSql(src.url, SCHEMA);
    const p = project();
    const read = (file: string): Manifest => JSON.parse(fs.readFileSync(path.join(p.cwd, `${file}.manifest.json`), 'utf8'));
    const directory = ok(await p.run(['--url', src.url, 'backup', '--format', 'directory', '--json']));
    const custom = ok(await p.run(['--url', src.url, 'backup', '--json']));
    expect(read(directory.file).tables).toEqual(read(custom.file).tables);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropDatabase } from '../../src/database/lifecycle.js';
import { inspectPgliteDir, PGLITE_MARKER } from '../../src/driver/pglite/dir.js';
import { copyPgliteBase, pgliteBaseImage } from '../../src/driver/pglite/image.js';
import { runArgv } from '../helpers/argv.js';
import { tempProject, writeFiles } from '../helpers/cli.js';

/** Every file under `dir`, with its content, to show a refused directory was left untouched. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, file)] = fs.readFileSync(file, 'latin1');
    }
  }
  return files;
}

/** A native server's data directory, as a running postmaster leaves it (pid = a live process). */
function nativeCluster(dir: string, pid: number): void {
  writeFiles(dir, {
    PG_VERSION: '17\n',
    'base/1/112': 'page',
    'global/pg_control': 'control',
    'pg_wal/000000010000000000000001': 'wal',
    'postgresql.conf': "listen_addresses = 'localhost'\n",
    'postmaster.opts': '/usr/lib/postgresql/17/bin/postgres "-D" "/var/lib/postgresql/17/main"\n',
    'postmaster.pid': `${pid}\n/var/lib/postgresql/17/main\n1767225600\n5432\n/var/run/postgresql\nlocalhost\n  5432001         0\nready   \n`,
  });
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-drop-'));

describe('db drop / db fresh delete only dbctl\'s PGlite directories (embedded only: a server drops by name)', () => {
  it('refuses a native cluster\'s data directory with a live postmaster, naming it and why (exit 5), and leaves it untouched', async () => {
    const cwd = tempProject();
    const dir = path.join(cwd, 'cluster');
    nativeCluster(dir, process.pid);
    const before = snapshot(dir);
    const r = await runArgv(['--url', 'pglite://cluster', 'db', 'drop'], { cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`db drop refused: ${dir} is a PostgreSQL server's data directory (postmaster.pid names pid ${process.pid}, which is running), not a PGlite one, so it is not removed`);
    expect(snapshot(dir)).toEqual(before);

    // A stopped server leaves postmaster.opts behind, which PGlite never writes.
    fs.rmSync(path.join(dir, 'postmaster.pid'));
    await expect(dropDatabase({ url: `pglite://${dir}` })).rejects.toMatchObject({
      exitCode: 5,
      code: 'not_a_database',
      message: expect.stringContaining(`${dir} is a PostgreSQL server's data directory (it has postmaster.opts)`),
    });
    expect(fs.existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);
  });

  it('refuses a PGlite directory holding anything PGlite does not create (db drop and db fresh)', async () => {
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ url: 'pglite://data' }), 'migrations/.keep': '', 'seeds/common/.keep': '' });
    const dir = path.join(cwd, 'data');
    await copyPgliteBase(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'precious');
    const before = snapshot(dir);
    for (const command of [['db', 'drop'], ['db', 'fresh']]) {
      const r = await runArgv(command, { cwd });
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toContain(`db drop refused: ${dir} holds files PGlite never creates (notes.txt), so it is not removed`);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('drops a directory dbctl created (it carries the marker)', async () => {
    const cwd = tempProject();
    expect((await runArgv(['--url', 'pglite://db', 'db', 'create'], { cwd })).code).toBe(0);
    const dir = path.join(cwd, 'db');
    expect(inspectPgliteDir(dir)).toMatchObject({ marked: true, refusal: null });
    const r = await runArgv(['--json', '--url', 'pglite://db', 'db', 'drop'], { cwd });
    expect(r.json()).toMatchObject({ ok: true, dropped: true });
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('drops a PGlite directory made before the marker existed, once its layout verifies', async () => {
    const root = tempDir();
    // What PGlite itself leaves: a copy of the base image (made by PGlite.create), no marker, and the
    // postmaster.pid a killed PGlite process leaves behind.
    const dir = path.join(root, 'old');
    fs.cpSync(await pgliteBaseImage(), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'postmaster.pid'), '-42\n/pglite/data\n1796226196\n5432\n\n\n  2171415         1\n');
    expect(inspectPgliteDir(dir)).toMatchObject({ marked: false, server: null, refusal: null, pgVersion: expect.stringMatching(/^\d+$/) });
    expect(await dropDatabase({ url: `pglite://${dir}` })).toMatchObject({ dropped: true });
    expect(fs.existsSync(dir)).toBe(false);

    // Without the marker, PG_VERSION alone does not verify: the cluster's own folders must be there.
    writeFiles(path.join(root, 'partial'), { PG_VERSION: '17\n' });
    await expect(dropDatabase({ url: `pglite://${path.join(root, 'partial')}` })).rejects.toThrow('is not a complete PGlite data directory');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('tells the directories apart in one place: inspectPgliteDir', async () => {
    const root = tempDir();
    expect(inspectPgliteDir(path.join(root, 'missing'))).toMatchObject({ exists: false });
    fs.mkdirSync(path.join(root, 'empty'));
    expect(inspectPgliteDir(path.join(root, 'empty')).refusal).toBe('is not a PGlite data directory (no PG_VERSION)');
    fs.writeFileSync(path.join(root, 'file'), '');
    expect(inspectPgliteDir(path.join(root, 'file')).refusal).toBe('is not a directory');
    // A marked directory that someone later used for other things is not deleted either.
    await copyPgliteBase(path.join(root, 'marked'));
    expect(fs.existsSync(path.join(root, 'marked', PGLITE_MARKER))).toBe(true);
    writeFiles(path.join(root, 'marked'), { 'a.txt': '', 'b/c.txt': '', 'd.sql': '', 'e.sql': '' });
    expect(inspectPgliteDir(path.join(root, 'marked')).refusal).toBe('holds files PGlite never creates (a.txt, b, d.sql, and 1 more)');
    // A server's postmaster.pid whose process is gone is still a server's directory.
    nativeCluster(path.join(root, 'stopped'), 2 ** 22 + 1);
    expect(inspectPgliteDir(path.join(root, 'stopped')).server).toBe(`postmaster.pid names pid ${2 ** 22 + 1}`);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

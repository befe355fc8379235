import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { backends, freshDatabase } from '../helpers/backends.js';
import { execSql, ok, project } from './helpers.js';

/**
 * `restore --create NAME` builds the restore under a name of its own and renames it to NAME only
 * once it is restored and verified (issue 28): a killed dbctl leaves that build, never a partial
 * NAME. The kill is simulated by the state it leaves (deterministic; the spawned kill -9 is in
 * tests/e2e/backup/interrupt.test.ts): builds beside NAME whose builder is gone are removed by the
 * next run, and those whose builder still runs are left alone.
 */
describe.each(backends)('restore --create NAME ($name)', (backend) => {
  /** The pid of a process that has exited. */
  const deadPid = () => spawnSync('true').pid!;

  it('removes the builds killed runs left beside NAME, keeps a running one, and makes NAME', async () => {
    const src = await freshDatabase(backend);
    await execSql(src.url, 'create table t (id int primary key); insert into t select generate_series(1, 50)');
    const p = project();
    const { file } = ok(await p.run(['--url', src.url, 'backup', '--json']));
    const name = `dbctl_tmp_rc_${Math.random().toString(36).slice(2, 10)}`;
    if (backend.name === 'pg') {
      const prefix = `${name.slice(0, 36)}_dbctl_restore_`;
      const admin = new pg.Client({ connectionString: backend.serverUrl });
      await admin.connect();
      // A running build holds its advisory lock (keyed by its tag) for as long as it runs.
      const running = new pg.Client({ connectionString: backend.serverUrl });
      await running.connect();
      try {
        await admin.query(`create database "${prefix}deadbeef"`);
        await admin.query(`create database "${prefix}cafef00d"`);
        await running.query(`select pg_advisory_lock(hashtext('dbctl build'), x'cafef00d'::int)`);
        const made = await p.run(['--url', src.url, 'restore', file, '--create', name, '--json']);
        expect(made.code, made.stderr).toBe(0);
        expect(made.json()).toMatchObject({ ok: true, differences: [], rows: 50 });
        expect(made.stderr).toContain(`removed ${prefix}deadbeef, left by an interrupted build`);
        const left = (await admin.query('select datname from pg_database where datname = $1 or starts_with(datname, $2) order by datname', [name, prefix])).rows.map((r) => r.datname);
        expect(left).toEqual([name, `${prefix}cafef00d`].sort());
      } finally {
        await running.end();
        await admin.query(`drop database if exists "${prefix}cafef00d"`);
        await admin.query(`drop database if exists "${prefix}deadbeef"`);
        await admin.query(`drop database if exists "${name}" with (force)`);
        await admin.end();
      }
    } else {
      const root = path.dirname(src.url.replace(/^pglite:\/\//, ''));
      const dead = path.join(root, `.${name}.dbctl-restore-${deadPid()}-deadbeef`);
      const alive = path.join(root, `.${name}.dbctl-restore-${process.pid}-cafef00d`);
      for (const dir of [dead, alive]) {
        fs.mkdirSync(path.join(dir, 'base'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'PG_VERSION'), '17\n');
      }
      const made = await p.run(['--url', src.url, 'restore', file, '--create', name, '--json']);
      expect(made.code, made.stderr).toBe(0);
      expect(made.json()).toMatchObject({ ok: true, differences: [], rows: 50 });
      expect(made.stderr).toContain(`removed ${dead}, left by an interrupted build`);
      expect(fs.readdirSync(root).filter((n) => n.includes(name)).sort()).toEqual([path.basename(alive), name].sort());
      expect(await execSql(`pglite://${path.join(root, name)}`, 'select count(*)::int as n from t')).toEqual([{ n: 50 }]);
      fs.rmSync(alive, { recursive: true, force: true });
      fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
  });
});

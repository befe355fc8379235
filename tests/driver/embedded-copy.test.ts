import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runArgv } from '../helpers/argv.js';
import { tempProject } from '../helpers/cli.js';

/**
 * A first run killed while it copies the base image into `.dbctl/pglite` (issue 29, item 9): the
 * copy is made in a hidden folder and renamed into place whole, so what a kill leaves is that
 * folder, which the next run removes; a directory damaged some other way names `dbctl db drop`.
 * The kill is simulated by the state it leaves (deterministic): a partial copy of a process that
 * is gone, and the empty directory opening a new path makes.
 */
describe('an interrupted copy of the embedded base image', () => {
  /** The pid of a process that has exited. */
  const deadPid = () => spawnSync('true').pid!;

  it("a dead run's partial copy is ignored and removed; the database opens", async () => {
    const cwd = tempProject({ 'migrations/001_t.sql': '-- migrate:up\ncreate table t (id int);\n' });
    const partial = path.join(cwd, '.dbctl', `.dbctl-copying-pglite.${deadPid()}`);
    fs.mkdirSync(path.join(partial, 'base'), { recursive: true });
    fs.writeFileSync(path.join(partial, 'PG_VERSION'), '18\n');
    fs.mkdirSync(path.join(cwd, '.dbctl', 'pglite'));
    const up = await runArgv(['migrate', 'up'], { cwd });
    expect(up.code, up.stderr).toBe(0);
    expect(fs.readdirSync(path.join(cwd, '.dbctl')).filter((n) => n.startsWith('.dbctl-copying-'))).toEqual([]);
    expect(fs.existsSync(path.join(cwd, '.dbctl', 'pglite', '.dbctl-pglite'))).toBe(true);
  });

  it('a damaged database directory: the error names `dbctl db drop`, which removes it, and the next run starts afresh', async () => {
    const cwd = tempProject({ 'migrations/001_t.sql': '-- migrate:up\ncreate table t (id int);\n' });
    expect((await runArgv(['migrate', 'up'], { cwd })).code).toBe(0);
    const dir = path.join(cwd, '.dbctl', 'pglite');
    fs.rmSync(path.join(dir, 'global'), { recursive: true });
    const broken = await runArgv(['migrate', 'status'], { cwd });
    expect(broken.code, broken.stderr).toBe(3);
    expect(broken.stderr).toMatch(/^error: cannot open embedded database .*\.dbctl\/pglite/m);
    const hint = /^hint: .*`(dbctl db drop --url pglite:\/\/[^`]+)`/m.exec(broken.stderr);
    expect(hint, broken.stderr).not.toBeNull();
    expect(broken.stderr).not.toMatch(/\n\s+at /);
    const drop = await runArgv(hint![1].split(' ').slice(1), { cwd });
    expect(drop.code, drop.stderr).toBe(0);
    expect(fs.existsSync(dir)).toBe(false);
    const again = await runArgv(['migrate', 'up'], { cwd });
    expect(again.code, again.stderr).toBe(0);
  });
});

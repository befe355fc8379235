import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../../helpers/backends.js';
import { BIN, runCli, tempProject } from '../../helpers/cli.js';
import { execSql, TEST_SCHEMA } from '../../backup/helpers.js';

const server = process.env.TEST_DATABASE_URL;
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs the binary on a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
function onTerminal(args: string[], cwd: string, env: Record<string, string>): string {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  return run.stdout;
}

/** A client program that takes a while to start, so the status line (shown after 1 s) appears. */
function slow(dir: string, program: string): string {
  const file = path.join(dir, `slow-${program}`);
  fs.writeFileSync(file, `#!/bin/sh\nsleep 1.5\nexec ${program} "$@"\n`, { mode: 0o755 });
  return file;
}

// On a server: PGlite's dump and load run inside the process, where a wrapper cannot slow them.
describe.skipIf(!server || !hasScript)('backup and restore progress on a terminal', () => {
  it('a live line while pg_dump, pg_restore and the verification run; none when piped', async () => {
    const src = await freshDatabase({ name: 'pg', serverUrl: server });
    const dst = await freshDatabase({ name: 'pg', serverUrl: server });
    await execSql(src.url, TEST_SCHEMA);
    const cwd = tempProject();
    const env = { PG_DUMP: slow(cwd, 'pg_dump'), PG_RESTORE: slow(cwd, 'pg_restore') };
    const file = path.join(cwd, 'progress.dump');

    const backup = onTerminal(['--url', src.url, 'backup', '--out', file], cwd, env);
    expect(backup).toMatch(/\r\x1b\[Kdumping with pg_dump and hashing the tables on its snapshot(: \d of 2 table\(s\) hashed)? \(\d+ s\)/);
    expect(backup).toContain('backed up');

    const restore = onTerminal(['restore', file, '--into', dst.url], cwd, env);
    expect(restore).toMatch(/\r\x1b\[Krestoring with pg_restore \(\d+ s\)/);
    expect(restore).toMatch(/\r\x1b\[Kverifying (against the manifest: \d of 2 table\(s\) hashed|2 table\(s\) against the manifest) \(\d+ s\)/);
    expect(restore).toContain('identical');

    const piped = await runCli(['--url', src.url, 'backup', '--out', path.join(cwd, 'piped.dump')], { cwd, env });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).not.toMatch(/dumping with|\x1b\[K/);
  });
});

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, envWithout, runCli, tempProject } from '../../helpers/cli.js';

/** Runs the binary on a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
function onTerminal(args: string[], cwd: string, env: Record<string, string>): string {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, env: envWithout(['DATABASE_URL'], { NO_COLOR: '1', ...env }), encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  return run.stdout;
}

const hasScript = spawnSync('script', ['--version']).status === 0;
const SLOW = "export async function up() { await new Promise((r) => setTimeout(r, 1800)); }\nexport async function down() {}\n";

describe.skipIf(!hasScript)('progress on a terminal', () => {
  it('keeps counting while one long statement blocks the embedded database (PGlite runs on the main thread)', () => {
    // One statement of ~4 s: no timer on dbctl's main thread can fire during it, so two different
    // second counts on the line mean it was redrawn while the statement ran.
    const cwd = tempProject({ 'migrations/001_block.sql': '-- migrate:up\nselect pg_sleep(4);\n-- migrate:down\n' });
    const shown = onTerminal(['migrate', 'up'], cwd, {});
    const seconds = new Set([...shown.matchAll(/\r\x1b\[Kapplying 001_block \((\d+) s\)/g)].map((m) => m[1]));
    expect(seconds.size, JSON.stringify(shown)).toBeGreaterThanOrEqual(2);
    expect(shown).toContain('applied 1 migration(s)');
  });

  it('first-run note and a live line for a long migration on a terminal; nothing without one, or with --quiet', async () => {
    const freshTmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-tmp-')); // no base image yet: a first run

    // One fresh base image (making one is most of this test's time): the terminal run makes it.
    const tmp = freshTmp();
    const tty = tempProject({ 'migrations/001_slow.mjs': SLOW });
    const shown = onTerminal(['migrate', 'up'], tty, { TMPDIR: tmp });
    expect(shown).toContain('first run: preparing the embedded database');
    expect(shown).toMatch(/\r\x1b\[Kapplying 001_slow \(\d+ s\)/);
    expect(shown).toContain('applied 1 migration(s)');

    const piped = tempProject({ 'migrations/001_slow.mjs': SLOW });
    const plain = await runCli(['migrate', 'up'], { cwd: piped, env: { TMPDIR: tmp } });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).not.toMatch(/first run|applying/);

    const quiet = tempProject({ 'migrations/001_slow.mjs': SLOW });
    const silent = onTerminal(['--quiet', 'migrate', 'up'], quiet, { TMPDIR: tmp }); // its image is made: no first run
    expect(silent).not.toMatch(/applying 001_slow/);
    expect(silent).toContain('applied 1 migration(s)');
  });
});

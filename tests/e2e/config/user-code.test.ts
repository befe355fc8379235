import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedConfigPath } from '../../../src/config/config-cache.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { runCli, tempProject } from '../../helpers/cli.js';

/**
 * A config file is the user's code (issue 29, item 12): what it prints never lands in stdout, it
 * runs once per command (the TS cache is proven without running it again), and one that never
 * finishes loading is a one-line config error, not exit 13 with nothing printed.
 */
describe('a config file is user code', () => {
  it('runs once on first use: the cache is proven without a second evaluation', async () => {
    const key = `__dbctlConfigRuns_${process.pid}_${Date.now()}`;
    // An import (resolved from the cache's place by the proof) and a side effect to count.
    const source = `import { sql } from 'kysely';\nvoid sql;\nconst g = globalThis as any;\ng['${key}'] = (g['${key}'] ?? 0) + 1;\nexport default { migrations: { dir: 'm-${key}' } };\n`;
    const cwd = tempProject({ 'dbctl.config.ts': source });
    const cached = cachedConfigPath(path.join(cwd, 'dbctl.config.ts'), cwd, source)!;
    expect((await resolveConfig({ cwd, environ: {} })).migrations.dir).toBe(path.join(cwd, `m-${key}`));
    expect((globalThis as Record<string, unknown>)[key]).toBe(1);
    expect(fs.existsSync(cached)).toBe(true); // and the proof still let it be written
  });

  it("console.log and stdout writes go to stderr while it loads; --json stdout stays one document; once per command", async () => {
    const source = `import { sql } from 'kysely';\nvoid sql;\nconsole.log('CONFIG SAYS HI ${Date.now()}');\nprocess.stdout.write('RAW WRITE\\n');\nexport default { migrations: { dir: 'migrations' } };\n`;
    const cwd = tempProject({ 'dbctl.config.ts': source });
    for (const run of ['first use (jiti, then the cache is written)', 'from the cache']) {
      const r = await runCli(['config', '--json'], { cwd });
      expect(r.code, `${run}: ${r.stderr}`).toBe(0);
      expect(r.json().migrations.dir, run).toBe(path.join(cwd, 'migrations'));
      expect(r.stderr.match(/CONFIG SAYS HI/g), run).toHaveLength(1);
      expect(r.stderr.match(/RAW WRITE/g), run).toHaveLength(1);
    }
    expect(fs.existsSync(cachedConfigPath(path.join(cwd, 'dbctl.config.ts'), cwd, source)!)).toBe(true);
  });

  it.each([
    ['a default export that never settles', 'dbctl.config.ts', 'export default new Promise(() => {});\n'],
    ['a default function whose promise never settles', 'dbctl.config.mjs', 'export default async () => new Promise(() => {});\n'],
    ['a top-level await that never settles', 'dbctl.config.mjs', 'await new Promise(() => {});\nexport default {};\n'],
  ])('%s: one line, exit 2, not exit 13 with nothing printed', async (_name, file, source) => {
    const cwd = tempProject({ [file]: source, 'migrations/.keep': '' });
    const r = await runCli(['migrate', 'status', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'config_load', message: `${file} never finished loading: it waits on a promise that nothing is left to settle` } });
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('one kept pending by something alive (a timer) times out after DBCTL_CONFIG_TIMEOUT', async () => {
    const cwd = tempProject({ 'dbctl.config.mjs': 'export default new Promise(() => { setInterval(() => {}, 1000); });\n', 'migrations/.keep': '' });
    const r = await runCli(['migrate', 'status'], { cwd, env: { DBCTL_CONFIG_TIMEOUT: '1s' } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('error: dbctl.config.mjs did not finish loading within 1 s');
    expect(r.stderr).toContain('hint:');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedConfigPath } from '../../../src/config/config-cache.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { runCli, tempProject } from '../../helpers/cli.js';

/** A TS config is transpiled once per content, then imported from node_modules/.cache/dbctl (issue 17). */
describe('the TypeScript config cache', () => {
  it('is written on first load, read afterwards, and keyed by content', async () => {
    const source = `const dir: string = 'db/migrations-${process.pid}-${Date.now()}';\nexport default { migrations: { dir } };\n`;
    const cwd = tempProject({ 'dbctl.config.ts': source });
    const file = path.join(cwd, 'dbctl.config.ts');
    const cached = cachedConfigPath(file, cwd, source)!;
    expect(fs.existsSync(cached)).toBe(false);
    expect((await resolveConfig({ cwd, environ: {} })).migrations.dir).toMatch(/db\/migrations-/);
    expect(fs.readFileSync(cached, 'utf8')).not.toContain(': string'); // types stripped
    // The next command imports the cached file (proved by changing it behind dbctl's back; a new
    // process, since this one's module cache already holds it).
    fs.writeFileSync(cached, "export default { migrations: { dir: 'from-the-cache' } };\n");
    const shown = await runCli(['config', '--json'], { cwd });
    expect(shown.json().migrations.dir).toBe(path.join(cwd, 'from-the-cache'));
    // Another content is another key: an edited config is never served stale.
    fs.writeFileSync(file, source.replace('migrations-', 'edited-'));
    expect((await resolveConfig({ cwd, environ: {} })).migrations.dir).toMatch(/db\/edited-/);
  });

  it('never caches a config that depends on where it is (relative imports)', async () => {
    const source = "import { dir } from './dirs.ts';\nexport default { migrations: { dir } };\n";
    const cwd = tempProject({ 'dbctl.config.ts': source, 'dirs.ts': `export const dir: string = 'rel-${process.pid}';\n` });
    expect((await resolveConfig({ cwd, environ: {} })).migrations.dir).toBe(path.join(cwd, `rel-${process.pid}`));
    expect(fs.existsSync(cachedConfigPath(path.join(cwd, 'dbctl.config.ts'), cwd, source)!)).toBe(false);
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('library boundary', () => {
  it('exposes the API as `dbctl` and `dbctl/testing` (package self-reference, built output)', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      const api = await import('dbctl');
      const testing = await import('dbctl/testing');
      console.log(JSON.stringify({ api: Object.keys(api).sort(), testing: Object.keys(testing).sort() }));
    `], { cwd: ROOT, encoding: 'utf8' });
    const { api, testing } = JSON.parse(out);
    for (const name of ['Migrator', 'openDatabase', 'resolveConfig', 'defineConfig', 'DbctlError', 'ExitCode', 'redact']) expect(api).toContain(name);
    expect(testing).toContain('createTestDatabase');
  });

  it('nothing under src/ except the front ends (src/cli/, src/testing.ts) prints or exits', () => {
    // src/testing.ts is a front end for test runners: it prints a kept database's URL (its `log` option overrides).
    const offenders = sourceFiles(path.join(ROOT, 'src'))
      .filter((f) => !f.includes(`${path.sep}cli${path.sep}`) && !f.endsWith(`${path.sep}testing.ts`))
      .flatMap((f) => {
        const text = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
        return /\bprocess\.exit\(|\bconsole\.(log|error|warn|info)\(|process\.(stdout|stderr)\.write\(/.test(text) ? [path.relative(ROOT, f)] : [];
      });
    expect(offenders).toEqual([]);
  });
});

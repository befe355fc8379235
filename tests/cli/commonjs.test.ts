import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

// CommonJS callers (Jest's default mode, plain `node file.cjs`) resolve package.json "exports" →
// "require". A project with dbctl installed: node_modules/dbctl is this package, built.
function cjsProject(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-cjs-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules/dbctl'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'cjs-app', type: 'commonjs' }));
  for (const [rel, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, rel), content);
  return dir;
}

function node(dir: string, args: string[]) {
  return spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}

describe('require("dbctl") from CommonJS', () => {
  it('each entry point loads what `import` gives', () => {
    const dir = cjsProject();
    const script = `
      const dbctl = require('dbctl');
      const testing = require('dbctl/testing');
      const config = require('dbctl/config');
      console.log(JSON.stringify({
        errors: typeof dbctl.DbctlError,
        testing: typeof testing.createTestDatabase,
        config: typeof config.defineConfig,
      }));`;
    const run = node(dir, ['-e', script]);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ errors: 'function', testing: 'function', config: 'function' });
  });

  it('require and import share one module instance (no dual-package copies)', () => {
    const dir = cjsProject({
      'both.mjs': `import { createRequire } from 'node:module';
        import * as esm from 'dbctl/testing';
        const cjs = createRequire(import.meta.url)('dbctl/testing');
        console.log(cjs.createTestDatabase === esm.createTestDatabase);`,
    });
    const run = node(dir, ['both.mjs']);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('true');
  });

  it('a CommonJS test file makes and drops an embedded test database', () => {
    const dir = cjsProject({
      'db.test.cjs': `const { createTestDatabase } = require('dbctl/testing');
        (async () => {
          const t = await createTestDatabase();
          console.log(t.kind);
          await t.drop();
        })().catch((e) => { console.error(e); process.exit(1); });`,
    });
    const run = node(dir, ['db.test.cjs']);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('pglite');
  }, 60_000);
});

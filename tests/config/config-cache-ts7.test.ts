import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { cachedConfigPath, takeConfigCacheNote } from '../../src/config/config-cache.js';
import { resolveConfig } from '../../src/config/resolve.js';

// TypeScript 7's package exports its version and no compiler API (issue 26).
vi.mock('typescript', () => ({ default: { version: '7.0.2' } }));

it('with TypeScript 7 the config is cached through Node\'s type stripping, or dbctl says once why it is not', async () => {
  // A project of its own (not the suite's shared node_modules): the note's marker lives beside the cache.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-ts7-'));
  fs.mkdirSync(path.join(cwd, 'node_modules'));
  const source = "const dir: string = 'db/migrations';\nexport default { migrations: { dir } };\n";
  fs.writeFileSync(path.join(cwd, 'dbctl.config.ts'), source);
  expect((await resolveConfig({ cwd, environ: {} })).migrations.dir).toBe(path.join(cwd, 'db/migrations'));
  const cached = cachedConfigPath(path.join(cwd, 'dbctl.config.ts'), cwd, source)!;
  if (typeof (module as { stripTypeScriptTypes?: unknown }).stripTypeScriptTypes === 'function') {
    expect(fs.readFileSync(cached, 'utf8')).not.toContain(': string'); // Node 22.13+: stripped by Node
    expect(takeConfigCacheNote()).toBeUndefined();
  } else {
    expect(fs.existsSync(cached)).toBe(false); // Node 20: nothing can strip the types
    expect(takeConfigCacheNote()).toMatch(/TypeScript 7 has none.*Node 22\.13\+/);
    await resolveConfig({ cwd, environ: {} });
    expect(takeConfigCacheNote()).toBeUndefined(); // once per project
  }
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { singleFilePackage } from '../../src/kysely-cache.js';

/**
 * The CLI loads Kysely as one cached file (src/cli/kysely-fast.ts). The cache must always be the
 * package as it is now: a package changed since (an upgrade, a patch-package edit) is bundled again.
 * Shown on a small package of several modules in a folder of its own (not the shared node_modules).
 */
describe('a package bundled as one cached file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  function fakePackage(): { entry: string; part: string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-kysely-cache-'));
    dirs.push(root);
    const pkg = path.join(root, 'node_modules', 'fakely');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'fakely', version: '1.2.3', type: 'module' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), "export { a } from './a.js';\nexport const b = 2;\n");
    fs.writeFileSync(path.join(pkg, 'a.js'), 'export const a = 1;\n');
    return { entry: path.join(pkg, 'index.js'), part: path.join(pkg, 'a.js') };
  }

  it('is the package\'s exports, kept beside it, reused while unchanged, made again when one of its files changes', async () => {
    const { entry, part } = fakePackage();
    const first = await singleFilePackage(entry);
    expect(first?.file).toMatch(/node_modules[\\/]\.cache[\\/]dbctl[\\/]fakely-1\.2\.3-[0-9a-f]{12}\.mjs$/);
    expect(first?.packageDir).toBe(path.dirname(entry));
    expect(await import(pathToFileURL(first!.file).href)).toMatchObject({ a: 1, b: 2 });

    const built = fs.statSync(first!.file).mtimeMs;
    const again = await singleFilePackage(entry);
    expect(again?.file).toBe(first!.file);
    expect(fs.statSync(again!.file).mtimeMs).toBe(built);

    fs.writeFileSync(part, 'export const a = 33;\n');
    const changed = await singleFilePackage(entry);
    expect(changed?.file).toBe(first!.file);
    expect(await import(`${pathToFileURL(changed!.file).href}?v=2`)).toMatchObject({ a: 33, b: 2 });
  });

  it('is not made for a file outside any node_modules folder', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-kysely-cache-'));
    dirs.push(root);
    fs.writeFileSync(path.join(root, 'index.js'), 'export const a = 1;\n');
    expect(await singleFilePackage(path.join(root, 'index.js'))).toBeUndefined();
  });
});

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

// scripts/ensure-built.mjs on a copy of the repo's shape whose `build` prints a bundler-sized
// listing: the first `npm test` / `npm run quickstart` shows one line, not the listing.
function repo(build: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-ensure-'));
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.copyFileSync(path.join(ROOT, 'scripts/ensure-built.mjs'), path.join(dir, 'scripts/ensure-built.mjs'));
  fs.writeFileSync(path.join(dir, 'src/index.ts'), 'export {};\n');
  fs.writeFileSync(path.join(dir, 'build.mjs'), build);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', private: true, scripts: { build: 'node build.mjs' } }));
  return dir;
}

const LISTING = `for (let i = 0; i < 142; i++) console.log('<DIR>/chunk-' + i + '.js  chunk │ size: 1 kB');\n`;
const MAKE = `import fs from 'node:fs'; fs.mkdirSync('dist/cli-bundle', { recursive: true }); fs.writeFileSync('dist/cli-bundle/main.js', '');\n`;

function ensure(dir: string) {
  return spawnSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: dir, encoding: 'utf8' });
}

describe('scripts/ensure-built.mjs', () => {
  it('a first build says one line and hides the bundler listing; a current dist/ says nothing', () => {
    const dir = repo(LISTING + MAKE);
    const first = ensure(dir);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toBe('building dbctl (first run)…\n');
    expect(fs.existsSync(path.join(dir, 'dist/cli-bundle/main.js'))).toBe(true);

    const again = ensure(dir);
    expect(again.status).toBe(0);
    expect(again.stdout + again.stderr).toBe('');
  });

  it('a failed build shows its output and exits 1', () => {
    const dir = repo(`console.log('src/x.ts(1,1): error TS1005'); process.exit(2);\n`);
    const run = ensure(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('error TS1005');
    expect(run.stderr).toMatch(/building dbctl failed \(npm run build exited 2\)\n$/);
  });
});

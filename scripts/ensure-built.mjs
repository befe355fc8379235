// `npm test` / `npm run quickstart` right after `npm ci`: build dist/ when it is missing or older
// than src/ (the package builds on `prepack`, not on install). Prints nothing when dist/ is current,
// and one line when it builds: the bundler's chunk listing (~140 lines) is kept for a failed build,
// where it is the diagnosis. `npm run build` by hand stays verbose.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist/cli-bundle/main.js');

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(file) : fs.statSync(file).mtimeMs);
  }
  return latest;
}

const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
if (builtAt < newest(path.join(root, 'src'))) {
  console.error(builtAt ? 'building dbctl (dist/ is older than src/)…' : 'building dbctl (first run)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? `${build.error.message}\n` : ''}`);
    console.error(`building dbctl failed (npm run build exited ${build.status ?? build.signal})`);
    process.exit(1);
  }
}

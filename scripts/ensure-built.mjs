// `npm run quickstart` right after `npm ci`: build dist/ when it is missing or older than src/
// (the package builds on `prepack`, not on install). Prints nothing when dist/ is current.
import { execSync } from 'node:child_process';
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
  console.error(builtAt ? 'dist/ is older than src/: building' : 'first run: building dist/ (npm run build)');
  execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
}

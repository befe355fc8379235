import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * dbctl's own version, recorded with every applied migration and in backup manifests. Read from the
 * nearest package.json named "dbctl" above this file: its depth differs between the tsc output
 * (dist/version.js) and the CLI bundle (dist/cli-bundle/*.js).
 */
export const VERSION: string = readVersion(path.dirname(fileURLToPath(import.meta.url)));

function readVersion(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'dbctl' && typeof pkg.version === 'string') return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`dbctl: no package.json named "dbctl" above ${start}`);
  }
}

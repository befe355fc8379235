import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { missingCommand } from '../lib/available.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { DBCTL, NODE, REPO } from '../lib/project.mjs';

/** The floor for a command on an existing embedded database: Node opening it with PGlite and running one query. */
const PGLITE_FLOOR = `import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
const db = await PGlite.create({ dataDir: '.dbctl/pglite', extensions: { vector } });
await db.query('select name, timestamp from kysely_migration order by name');
await db.close();`;

/**
 * A fresh checkout: the repo's tracked files plus its built dist/, with node_modules linked (as
 * after `npm ci`). No DATABASE_URL, so everything runs on the embedded database.
 */
function freshCheckout() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-bench-checkout-'));
  const files = execFileSync('git', ['-C', REPO, 'ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(REPO, file))) continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
  }
  fs.cpSync(path.join(REPO, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Case 7: the embedded default, on a fresh checkout; reported (the aim: a second status under 1.5 s). */
export default {
  id: 7,
  title: 'embedded quick start',
  unavailable: () => missingCommand('summary') ?? missingCommand('seed'),
  async run({ size, runs, log }) {
    const dir = freshCheckout();
    const env = { ...process.env };
    for (const k of ['DATABASE_URL', 'DBCTL_ENV', 'NODE_ENV']) delete env[k];
    try {
      const quickstart = await interleave([{
        name: 'npm run quickstart (migrate up, seed, summary)',
        setup: async () => fs.rmSync(path.join(dir, '.dbctl'), { recursive: true, force: true }),
        run: () => timeProcess('npm', ['run', '--silent', 'quickstart'], { cwd: dir, env }),
      }], { runs: runs ?? (size === 'small' ? 1 : 2), warmup: false, log });
      const floor = 'node -e: PGlite open + one query';
      const status = await interleave([
        { name: floor, run: () => timeProcess(NODE, ['--input-type=module', '-e', PGLITE_FLOOR], { cwd: dir, env }) },
        { name: 'dbctl migrate status', run: () => timeProcess(NODE, [DBCTL, 'migrate', 'status'], { cwd: dir, env }) },
      ], { runs: runs ?? 5, log });
      const second = status[1].median;
      return {
        groups: [
          { label: 'fresh checkout, embedded', floor: null, rows: quickstart },
          { label: 'existing embedded database', floor, rows: status },
        ],
        extraChecks: [{ label: 'existing embedded database', text: 'second `dbctl migrate status` < 1.5 s (aim)', measured: `${(second / 1000).toFixed(2)} s`, ok: second < 1500 }],
        notes: ['the checkout is the repo\'s tracked files plus its built dist/, node_modules linked; the quick start\'s first command includes PGlite\'s initdb'],
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

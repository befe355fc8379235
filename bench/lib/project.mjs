import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const NODE = process.execPath;
/** The dbctl build under test: the repo's, or a snapshot of it (useBuildSnapshot). */
export let DBCTL_ROOT = REPO;
export let DBCTL = path.join(REPO, 'bin/dbctl.js');

/**
 * Copies the built CLI (bin/, dist/, package.json) to a temporary folder and measures that copy:
 * a rebuild of dist/ during a long run (by anyone working in the tree) would otherwise break or
 * change the runs after it. Its node_modules is a link to the repo's, so `kysely` is the same
 * module for dbctl and for the generated migrations.
 */
export function useBuildSnapshot() {
  const root = path.join(os.tmpdir(), `dbctl-bench-build-${process.pid}`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root);
  for (const entry of ['bin', 'dist', 'package.json']) fs.cpSync(path.join(REPO, entry), path.join(root, entry), { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  created.push(root);
  DBCTL_ROOT = root;
  DBCTL = path.join(root, 'bin/dbctl.js');
  return root;
}
export const KYSELY_CTL = path.join(REPO, 'node_modules/kysely-ctl/dist/bin.mjs');
export const NODE_PG_MIGRATE = path.join(REPO, 'node_modules/node-pg-migrate/bin/node-pg-migrate.js');

const created = [];

/**
 * A throw-away project directory outside the repo (generated files never land in it). Its
 * node_modules is a link to the repo's, so migrations and configs import kysely, pg, kysely-ctl.
 * The path is the same on every run: jiti's transpile cache is keyed by path and content, so the
 * untimed warm-up of the next run finds it warm instead of transpiling 1,000 files again.
 */
export function tempProject(label) {
  const dir = path.join(os.tmpdir(), `dbctl-bench-${label}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `bench-${label}`, private: true, type: 'module' }));
  created.push(dir);
  return dir;
}

/** kysely-ctl's config: the pg dialect on DATABASE_URL, migrations from ./migrations. */
export function writeKyselyConfig(dir) {
  fs.writeFileSync(path.join(dir, 'kysely.config.ts'), `import { PostgresDialect } from 'kysely';
import { defineConfig } from 'kysely-ctl';
import pg from 'pg';

export default defineConfig({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }),
  migrations: { migrationFolder: 'migrations' },
});
`);
}

export function removeTempProjects() {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The commands under test, as [command, args] with the database URL and project directory filled in. */
export const tools = {
  dbctl: (url, ...args) => [NODE, [DBCTL, '--url', url, ...args]],
  kyselyCtl: (...args) => [NODE, [KYSELY_CTL, ...args, '--no-outdated-check']],
  nodePgMigrate: (...args) => [NODE, [NODE_PG_MIGRATE, ...args]],
};

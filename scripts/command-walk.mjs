// Every dbctl command, with arguments that run it on a small embedded project, in an order where
// each finds what it needs (a backup before `restore`, an applied migration before `down`).
// tests/cli/json-ok.test.ts runs the list in-process (`ok` in every --json document, and no command
// missing from it); .ci/smoke-node.sh runs it as a user would, from the installed package with the
// kysely and typescript npm picked (kysely 0.29 on Node 22+), so every command is run on each
// kysely the peer range admits:
//
//   node scripts/command-walk.mjs [PROJECT-DIR] [DBCTL-BIN]
//
// Exit 1 when a command's exit code is not the expected one, or its stdout is not one JSON
// document whose `ok` says whether it exited 0.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * [name, args, expected exit code]. `migration` is the name of one migration of the project
 * (baseline, squash); `state.backupFile` is set from `backup`'s document before the commands that
 * read it. The ones expected to fail fail on purpose: no fleet is declared, a copy's source must be
 * a server, the project is not a git repository, a test database that does not exist.
 */
export function commandRuns(migration, state) {
  return [
    ['config', () => ['config'], 0],
    ['doctor', () => ['doctor'], undefined],
    ['migrate status', () => ['migrate', 'status'], 0],
    ['migrate lint', () => ['migrate', 'lint'], undefined],
    ['migrate up', () => ['migrate', 'up'], 0],
    ['migrate verify', () => ['migrate', 'verify'], 0],
    ['migrate redo', () => ['migrate', 'redo'], 0],
    ['migrate repair', () => ['migrate', 'repair'], 0],
    ['migrate baseline', () => ['migrate', 'baseline', migration], undefined],
    ['migrate test', () => ['migrate', 'test'], 0],
    ['migrate new', () => ['migrate', 'new', 'later'], 0],
    ['migrate diff', () => ['migrate', 'diff', '--check', '--schema-dir', 'run.sql'], 4],
    ['seed', () => ['seed'], 0],
    ['seed new', () => ['seed', 'new', 'more'], 0],
    ['summary', () => ['summary'], 0],
    ['typegen', () => ['typegen'], 0],
    ['schema dump', () => ['schema', 'dump'], 0],
    ['schema dump', () => ['schema', 'dump', '--out', '-'], 0],
    ['schema drift', () => ['schema', 'drift'], 0],
    ['schema erd', () => ['schema', 'erd'], 0],
    ['backup', () => ['backup'], 0],
    ['backup verify', () => ['backup', 'verify', state.backupFile], 0],
    ['backup prune', () => ['backup', 'prune'], undefined],
    ['restore', () => ['restore', state.backupFile, '--clean'], 0],
    ['testdb create', () => ['testdb', 'create'], 0],
    ['testdb list', () => ['testdb', 'list'], 0],
    ['testdb drop', () => ['testdb', 'drop', 'nothing_here'], 5],
    ['testdb prune', () => ['testdb', 'prune'], 0],
    ['reset', () => ['reset'], 0],
    ['migrate down', () => ['migrate', 'down'], 0],
    ['db wait', () => ['db', 'wait'], 0],
    ['db create', () => ['db', 'create'], 0],
    ['db fresh', () => ['db', 'fresh'], 0],
    ['db drop', () => ['db', 'drop'], 0],
    // The source must be a server: refused at once here (ok: false); tests/copy/ copies for real.
    ['db copy', () => ['db', 'copy', '--from', 'pglite://elsewhere'], 2],
    ['fleet status', () => ['fleet', 'status'], 2],
    ['fleet verify', () => ['fleet', 'verify'], 2],
    ['fleet migrate up', () => ['fleet', 'migrate', 'up'], 2],
    ['fleet migrate down', () => ['fleet', 'migrate', 'down'], 2],
    ['fleet seed', () => ['fleet', 'seed'], 2],
    ['fleet exec', () => ['fleet', 'exec', 'run.sql'], 2],
    ['init', () => ['init'], 0],
    ['completion', () => ['completion', 'bash'], 0],
    ['sql', () => ['sql', 'select 1 as one'], 0],
    ['migrate check', () => ['migrate', 'check', '--base', 'HEAD'], undefined],
    ['migrate squash', () => ['migrate', 'squash', '--to', migration], undefined],
  ];
}

/** Runs the walk with `run(args) → { code, stdout }`; returns one line per failure. */
export async function walk(runs, state, run) {
  const failures = [];
  for (const [name, args, expected] of runs) {
    const result = await run(['--json', ...args()]);
    let doc;
    try {
      doc = JSON.parse(result.stdout);
    } catch {
      failures.push(`${name}: stdout is not one JSON document: ${result.stdout.slice(0, 200)}`);
      continue;
    }
    if (name === 'backup') state.backupFile = doc.file;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || doc.ok !== (result.code === 0)) {
      failures.push(`${name}: exit ${result.code}, ok ${JSON.stringify(doc?.ok)}`);
    } else if (state.checkExit && expected !== undefined && result.code !== expected) {
      failures.push(`${name}: exit ${result.code}, expected ${expected}: ${JSON.stringify(doc.error ?? doc).slice(0, 300)}`);
    }
  }
  return failures;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cwd = path.resolve(process.argv[2] ?? '.');
  const bin = path.resolve(cwd, process.argv[3] ?? 'node_modules/dbctl/bin/dbctl.js');
  const dir = path.join(cwd, 'migrations');
  const migration = fs.readdirSync(dir).filter((f) => /\.(ts|js|sql)$/.test(f)).sort()[0]?.replace(/\.(ts|js|sql)$/, '');
  if (!migration) throw new Error(`${dir} holds no migration`);
  fs.writeFileSync(path.join(cwd, 'run.sql'), 'select 1;\n');
  const state = { backupFile: '', checkExit: true };
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.DATABASE_URL;
  delete env.DBCTL_ENV;
  const runs = commandRuns(migration, state);
  const failures = await walk(runs, state, async (args) => {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    return { code: r.status ?? 1, stdout: r.stdout };
  });
  for (const f of failures) console.error(`command walk: ${f}`);
  console.log(`command walk: ${runs.length - failures.length} of ${runs.length} commands as expected`);
  process.exit(failures.length ? 1 : 0);
}

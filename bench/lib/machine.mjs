import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './project.mjs';
import { serverVersion } from './pg.mjs';

const pkgVersion = (name) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
};

/** What the numbers depend on: the machine, its load, and every version involved. */
export async function describeMachine(serverUrl) {
  let psql = 'not found';
  try {
    psql = execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    /* psql floors will report themselves unavailable */
  }
  const dbctl = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version;
  let commit = '';
  try {
    commit = execFileSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    /* not a checkout */
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    nproc: os.availableParallelism(),
    memoryGb: (os.totalmem() / 2 ** 30).toFixed(1),
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: await serverVersion(serverUrl),
    psql,
    dbctl: commit ? `${dbctl} (${commit})` : dbctl,
    kysely: pkgVersion('kysely'),
    'kysely-ctl': pkgVersion('kysely-ctl'),
    'node-pg-migrate': pkgVersion('node-pg-migrate'),
    pg: pkgVersion('pg'),
    commander: pkgVersion('commander'),
    jiti: pkgVersion('jiti'),
    '@electric-sql/pglite': pkgVersion('@electric-sql/pglite'),
  };
}

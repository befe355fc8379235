import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget } from '../../../src/driver/target.js';
import { confirmName } from '../../../src/guard/index.js';
import { createTestDatabase, type TestDatabase } from '../../../src/testing.js';
import { backends } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { BIN, runCli, tempProject } from '../../helpers/cli.js';
import { counts, fill, PROJECT, withOpen } from '../../reset/schema.js';

describe.each(backends)('guards through the CLI on $name', (backend) => {
  let t: TestDatabase;
  let cwd: string;
  let name: string;
  // In this process (tests/helpers/argv.ts): the refusals need no spawn; one forced run below is end to end.
  const cli = (args: string[]) => runArgv(['--json', ...args], { cwd });
  const rowCounts = () => withOpen(t.url, counts);

  beforeAll(async () => {
    t = await createTestDatabase({ serverUrl: backend.serverUrl });
    name = confirmName(parseTarget(t.url, '/'));
    const environments = { development: { url: t.url }, production: { url: t.url }, staging: { url: t.url, protected: true } };
    cwd = tempProject({ ...PROJECT, 'dbctl.config.json': JSON.stringify({ environments }) });
    expect((await runArgv(['migrate', 'up'], { cwd })).code).toBe(0);
    await withOpen(t.url, fill);
  });
  afterAll(async () => t?.drop());

  it.each<[string[], string]>([
    [['migrate', 'down'], 'protected'],
    [['migrate', 'redo'], 'protected'],
    [['reset'], 'protected'],
    [['reset', '--seed'], 'protected'],
    [['db', 'drop'], 'protected'],
    [['db', 'fresh'], 'protected'],
    [['seed'], 'protected'],
    [['reset', '--confirm', '<name>'], 'protected'],
    [['migrate', 'down', '--force'], 'not_confirmed'],
    [['db', 'drop', '--force'], 'not_confirmed'],
    [['seed', '--force'], 'not_confirmed'],
    [['db', 'fresh', '--force', '--confirm', '<name>x'], 'confirm_mismatch'],
    [['reset', '--force', '--confirm', '<NAME>'], 'confirm_mismatch'],
  ])('refuses %j in production (exit 5, %s) and changes nothing', async (template, code) => {
    const args = template.map((a) => a.replace('<name>', name).replace('<NAME>', name.toUpperCase()));
    const r = await cli(['--env', 'production', ...args]);
    expect({ args, code: r.code, stderr: r.stderr }).toMatchObject({ args, code: 5 });
    expect(r.json().error.code).toBe(code);
    expect(await rowCounts()).toEqual({ users: 2, weird: 2, camel: 2, notes: 2, log: 2, migrations: 1, history: 1 });
  });

  it('explains the refusal in one line with a hint, and a configured environment is protected too', async () => {
    const r = await runArgv(['--env', 'staging', 'reset'], { cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`error: reset refused: environment "staging" is protected; it would change database "${name}"`);
    expect(r.stderr).toContain(`hint: pass --force and confirm the database name (--confirm ${name})`);
    const wrong = await runArgv(['--env', 'production', 'reset', '--force', '--confirm', 'other'], { cwd });
    expect(wrong.stderr).toContain(`error: reset refused: "other" does not match the database name "${name}" (environment "production" is protected)`);
  });

  it('goes through when forced and confirmed (the binary, end to end)', async () => {
    const r = await runCli(['--json', '--env', 'production', 'reset', '--force', '--confirm', name], { cwd });
    expect(r.code).toBe(0);
    expect(r.json().truncated).toHaveLength(3);
    expect(await rowCounts()).toMatchObject({ users: 0, weird: 0, camel: 0, migrations: 1 });
  });
});

describe('productionHosts through the CLI', () => {
  // Refused before any connection is made, so the host need not exist.
  const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ productionHosts: ['*.prod.example.com'] }) });
  const url = 'postgres://app:hunter2@db1.prod.example.com:5432/shop';

  it.each([[['reset']], [['db', 'drop', '--force', '--confirm', 'shop']], [['db', 'fresh', '--force', '--confirm', 'shop']]])('%j in development is refused', async (args) => {
    const r = await runArgv(['--url', url, ...args], { cwd });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('host "db1.prod.example.com" matches productionHosts pattern "*.prod.example.com" but environment "development" is not protected');
    expect(r.stderr).toContain('database "shop"');
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe('productionHosts by address through the CLI', () => {
  // Refused before any connection: were it not, `reset` would try the server and fail with exit 3.
  const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ productionHosts: ['127.0.0.1'] }) });

  it('refuses a destructive command on `localhost` when productionHosts names 127.0.0.1 (the binary)', async () => {
    const r = await runCli(['--url', 'postgres://app:hunter2@localhost:5432/shop', 'reset'], { cwd });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('reset refused: host "localhost" matches productionHosts pattern "127.0.0.1" (both are this machine: loopback) but environment "development" is not protected');
    expect(r.stderr).not.toContain('hunter2');
  });

  it.each(['LOCALHOST.', '[::1]', '127.0.0.9'])('and its other spellings: %s', async (host) => {
    const r = await runArgv(['--url', `postgres://app@${host}:5432/shop`, 'db', 'drop', '--force', '--confirm', 'shop'], { cwd });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('matches productionHosts pattern "127.0.0.1"');
  });
});

describe('the confirmation prompt on a terminal', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;

  /** Runs the CLI under util-linux `script`, which gives it a pseudo-terminal, typing `typed`. */
  const onTerminal = (args: string[], cwd: string, typed: string) =>
    new Promise<{ code: number; output: string }>((resolve, reject) => {
      const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
      delete env.DATABASE_URL;
      delete env.DBCTL_ENV;
      const child = spawn('script', ['-qec', command, '/dev/null'], { cwd, env });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, output }));
      child.stdin.end(`${typed}\n`);
    });

  it('asks for the database name and acts only on the exact name', async (ctx) => {
    if (!hasScript) ctx.skip('util-linux `script` is not installed: no pseudo-terminal to test the prompt with');
    // A protected environment never falls back to the embedded default: it names its directory.
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ environments: { production: { url: 'pglite://.dbctl/pglite' } } }) });
    expect((await runArgv(['db', 'create'], { cwd })).code).toBe(0);
    const wrong = await onTerminal(['--env', 'production', 'db', 'drop', '--force'], cwd, 'pglit');
    expect(wrong.output).toContain('Type the database name to confirm:');
    expect(wrong.output).toContain('error: db drop refused: "pglit" does not match the database name "pglite"');
    expect(wrong.code).toBe(5);
    expect(fs.existsSync(path.join(cwd, '.dbctl/pglite/PG_VERSION'))).toBe(true);

    const right = await onTerminal(['--env', 'production', 'db', 'drop', '--force'], cwd, 'pglite');
    expect(right.output).toContain('dropped embedded PGlite at');
    expect(right.code).toBe(0);
    expect(fs.existsSync(path.join(cwd, '.dbctl/pglite'))).toBe(false);
  });
});

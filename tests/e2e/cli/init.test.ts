import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { initProject } from '../../../src/init/index.js';
import { runArgv } from '../../helpers/argv.js';
import { ROOT, runCli } from '../../helpers/cli.js';

/** An empty folder whose node_modules has what an installed project has: dbctl and kysely. */
function installedProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-init-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules/dbctl'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'node_modules/kysely'), path.join(dir, 'node_modules/kysely'), 'dir');
  return dir;
}

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.dbctl') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

describe('dbctl init', () => {
  it('sets up a project (the binary, end to end); a second run changes nothing', async () => {
    const cwd = installedProject();
    const first = await runCli(['init', '--json'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    const report = first.json();
    expect(report.files.map((f: { path: string; action: string }) => `${f.action} ${f.path}`)).toEqual([
      'created dbctl.config.ts',
      expect.stringMatching(/^created migrations\/\d{14}_create_users\.ts$/),
      'created seeds/common/01_users.ts',
      'created .gitignore',
    ]);
    expect(report.next).toEqual(['npx dbctl migrate up && npx dbctl seed']); // installed: no npm install step
    expect(fs.readFileSync(path.join(cwd, 'dbctl.config.ts'), 'utf8')).toContain("from 'dbctl/config'");
    expect(fs.readFileSync(path.join(cwd, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['.dbctl/', 'backups/']));

    const before = snapshot(cwd);
    const again = await runArgv(['init'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/skipped\s+dbctl\.config\.ts \(exists\)/);
    expect(again.stdout).not.toMatch(/created|appended/);
    expect(again.stdout).toContain('next: npx dbctl migrate up && npx dbctl seed');
    expect(snapshot(cwd)).toEqual(before);
  });

  it("kysely-ctl's words work on the project init sets up (make, latest, rollback, list) and its seed runs", async () => {
    const cwd = installedProject();
    expect((await runArgv(['init'], { cwd })).code).toBe(0);
    // kysely-ctl's vocabulary: make = new, latest = up (all), list = status, rollback = down.
    const make = await runArgv(['migrate', 'make', 'add_name', '--json'], { cwd });
    expect(make.code, make.stderr).toBe(0);
    expect(make.json().file).toMatch(/^migrations\/\d{14}_add_name\.ts$/);
    // Made in the same second as init's migration, it could sort before it: give it a later stamp.
    const file = path.join(cwd, make.json().file.replace(/\d{14}/, '99991231235959'));
    fs.renameSync(path.join(cwd, make.json().file), file);
    fs.writeFileSync(file, `import type { Kysely } from 'kysely';
export async function up(db: Kysely<any>) { await db.schema.alterTable('users').addColumn('name', 'text').execute(); }
export async function down(db: Kysely<any>) { await db.schema.alterTable('users').dropColumn('name').execute(); }
`);
    const latest = await runArgv(['migrate', 'latest', '--json'], { cwd });
    expect(latest.code, latest.stderr).toBe(0);
    expect(latest.json().results).toHaveLength(2);
    const seeded = await runArgv(['seed', '--json'], { cwd });
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.json().totals.users.inserted).toBe(3);
    const rollback = await runArgv(['migrate', 'rollback', '--json'], { cwd });
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.json().results.map((r: { name: string }) => r.name)).toEqual([expect.stringMatching(/_add_name$/)]);
    const list = await runArgv(['migrate', 'list', '--json'], { cwd });
    expect(list.json().summary).toMatchObject({ applied: 1, pending: 1 });
  });

  it('appends to an existing .gitignore without duplicating, and leaves a project with migrations its own seeds', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-init-'));
    fs.writeFileSync(path.join(cwd, '.gitignore'), 'node_modules\n/.dbctl'); // no final newline
    fs.mkdirSync(path.join(cwd, 'migrations'));
    fs.writeFileSync(path.join(cwd, 'migrations/001_init.sql'), '-- migrate:up\n-- migrate:down\n');
    const report = initProject({ cwd });
    expect(report.files).toContainEqual({ path: '.gitignore', action: 'appended', detail: 'backups/' });
    expect(report.files).toContainEqual({ path: 'migrations/', action: 'skipped', detail: 'has 1 migration(s)' });
    expect(report.files).toContainEqual({ path: 'seeds/common/.gitkeep', action: 'created' });
    expect(report.next[0]).toBe('npm install --save-dev dbctl kysely');
    expect(fs.readFileSync(path.join(cwd, '.gitignore'), 'utf8')).toBe('node_modules\n/.dbctl\n\n# dbctl: the embedded database and backups\nbackups/\n');
    initProject({ cwd });
    expect(fs.readFileSync(path.join(cwd, '.gitignore'), 'utf8').match(/backups\//g)).toHaveLength(1);
  });

  it('--docker: a pinned image on 127.0.0.1, the password only in .env (an existing one is kept)', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-init-'));
    fs.writeFileSync(path.join(cwd, '.env'), 'POSTGRES_PASSWORD=mine\n');
    const report = initProject({ cwd, docker: true });
    expect(report.next).toContain('docker compose up -d --wait');
    const compose = fs.readFileSync(path.join(cwd, 'compose.yaml'), 'utf8');
    expect(compose).toMatch(/image: pgvector\/pgvector:\d+\.\d+\.\d+-pg\d+\n/);
    expect(compose).toContain('"127.0.0.1:${POSTGRES_PORT:-5433}:5432"');
    expect(compose).toContain('POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?');
    const env = fs.readFileSync(path.join(cwd, '.env'), 'utf8');
    expect(env).toMatch(/^POSTGRES_PASSWORD=mine\n/);
    expect(env).toMatch(/\nDATABASE_URL=postgres:\/\/[a-z0-9_]+:\$\{POSTGRES_PASSWORD\}@127\.0\.0\.1:5433\/[a-z0-9_]+\n/);
    expect(fs.readFileSync(path.join(cwd, '.env.example'), 'utf8')).toContain('POSTGRES_PASSWORD=change-me');
    expect(fs.readFileSync(path.join(cwd, '.gitignore'), 'utf8')).toContain('\n.env\n');
    const again = initProject({ cwd, docker: true });
    expect(again.files.filter((f) => f.action !== 'skipped')).toEqual([]);
  });

  it('--docker writes the password once, and dbctl reads it into DATABASE_URL (the process environment wins)', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-init-'));
    initProject({ cwd, docker: true });
    const jsonConfig = (dir: string) => (fs.rmSync(path.join(dir, 'dbctl.config.ts')), fs.writeFileSync(path.join(dir, 'dbctl.config.json'), '{}'));
    jsonConfig(cwd); // dbctl.config.ts imports 'dbctl/config', which this temp folder cannot resolve
    const env = fs.readFileSync(path.join(cwd, '.env'), 'utf8');
    const password = /^POSTGRES_PASSWORD=(.+)$/m.exec(env)![1]!;
    expect(env.split(password)).toHaveLength(2);
    const url = (environ: Record<string, string>) => resolveConfig({ cwd, environ }).then((c) => c.url);
    expect(await url({})).toMatch(new RegExp(`^postgres://[a-z0-9_]+:${password}@127\\.0\\.0\\.1:5433/`));
    expect(await url({ POSTGRES_PASSWORD: 'shell' })).toMatch(/^postgres:\/\/[a-z0-9_]+:shell@/);
    expect(fs.readFileSync(path.join(cwd, '.env.example'), 'utf8')).toMatch(/\nDATABASE_URL=postgres:\/\/[a-z0-9_]+:\$\{POSTGRES_PASSWORD\}@/);

    // A password a URL cannot hold as written is encoded in the URL instead.
    const odd = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-init-'));
    fs.writeFileSync(path.join(odd, '.env'), 'POSTGRES_PASSWORD=p@ss/word\n');
    initProject({ cwd: odd, docker: true });
    jsonConfig(odd);
    expect(await resolveConfig({ cwd: odd, environ: {} }).then((c) => c.url)).toMatch(/:p%40ss%2Fword@127\.0\.0\.1/);
  });
});

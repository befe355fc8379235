import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMigrationFolder } from '../../src/migrate/files.js';
import { listSeedFolder } from '../../src/seed/files.js';
import { filesUnder, listSourceFiles } from '../../src/source-files.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { runArgv } from '../helpers/argv.js';
import { tempProject } from '../helpers/cli.js';
import { createTable, migrationProject } from './helpers.js';

/** A project whose migrations folder holds real files, symlinks and things that are not migrations. */
function linkedProject(): string {
  const cwd = tempProject({
    'migrations/001_a.sql': createTable('a'),
    'elsewhere/002_b.sql': createTable('b'),
    'elsewhere/more/003_c.sql': createTable('c'),
    'migrations/README.txt': 'notes',
    'migrations/004_shout.SQL': createTable('shout'),
    'migrations/.gitkeep': '',
    'migrations/001_a.d.ts': 'export {};',
    'migrations/old/005_old.sql': createTable('old'),
  });
  fs.symlinkSync(path.join(cwd, 'elsewhere/002_b.sql'), path.join(cwd, 'migrations/002_b.sql'));
  fs.symlinkSync('../elsewhere/more/003_c.sql', path.join(cwd, 'migrations/003_c.sql'));
  fs.symlinkSync(path.join(cwd, 'elsewhere/more'), path.join(cwd, 'migrations/linked_dir'));
  return cwd;
}

describe('the source-file lister', () => {
  it('follows symlinked files and names every entry it does not read', () => {
    const cwd = linkedProject();
    const dir = path.join(cwd, 'migrations');
    const { files, notes } = listMigrationFolder(dir, (f) => path.relative(cwd, f));
    expect(files.map((f) => [f.name, path.relative(cwd, f.file)])).toEqual([
      ['001_a', 'migrations/001_a.sql'],
      ['002_b', 'migrations/002_b.sql'],
      ['003_c', 'migrations/003_c.sql'],
    ]);
    expect(notes.sort()).toEqual([
      'migrations/001_a.d.ts is not a migration (a type declaration): not read',
      'migrations/004_shout.SQL is not a migration (extensions are lower case: .sql): not read',
      'migrations/README.txt is not a migration (a migration ends in .ts, .mts, .js, .mjs, .sql): not read',
      'migrations/linked_dir is a folder: migrations are read from migrations itself, not from subfolders',
      'migrations/old is a folder: migrations are read from migrations itself, not from subfolders',
    ]);
  });

  it('seeds: symlinks followed, a file outside common/ and <env>/ named, other environments passed over', () => {
    const cwd = tempProject({
      'seeds/common/01_a.sql': 'select 1;',
      'elsewhere/02_b.ts': 'export async function seed() {}',
      'seeds/development/03_c.sql': 'select 1;',
      'seeds/production/09_p.sql': 'select 1;',
      'seeds/04_loose.ts': 'export async function seed() {}',
      'seeds/common/notes.md': '',
    });
    fs.symlinkSync(path.join(cwd, 'elsewhere/02_b.ts'), path.join(cwd, 'seeds/common/02_b.ts'));
    fs.symlinkSync(path.join(cwd, 'seeds/production'), path.join(cwd, 'seeds/staging'));
    const { files, notes } = listSeedFolder(path.join(cwd, 'seeds'), 'development', (f) => path.relative(cwd, f));
    expect(files.map((f) => f.name)).toEqual(['common/01_a', 'common/02_b', 'development/03_c']);
    expect(notes.sort()).toEqual([
      'seeds/04_loose.ts is not in a seed folder: seeds are read from seeds/common and seeds/<environment>',
      'seeds/common/notes.md is not a seed (a seed ends in .ts, .mts, .js, .mjs, .sql): not read',
    ]);
    // A file where an environment's folder should be is named, not a crash.
    fs.writeFileSync(path.join(cwd, 'seeds/test'), '');
    expect(listSeedFolder(path.join(cwd, 'seeds'), 'test', (f) => path.relative(cwd, f)).notes).toContain('seeds/test is not a folder: no test seeds are read');
    // A symlinked environment folder is read like a real one.
    expect(listSeedFolder(path.join(cwd, 'seeds'), 'staging').files.map((f) => f.name)).toEqual(['common/01_a', 'common/02_b', 'staging/09_p']);
  });

  it('an entry named as a migration or seed that cannot be read is an error naming it, not a note', () => {
    // The class: whatever makes a `NNN_x.sql` unreadable (a symlink a broken build left dangling, a
    // loop, a pipe, a folder so named), `up` must not apply the files around it and say "up to date".
    const broken: Array<[string, (file: string, cwd: string) => void, RegExp]> = [
      ['dangling symlink', (f, cwd) => fs.symlinkSync(path.join(cwd, 'nowhere.sql'), f), /is a symlink to .*nowhere\.sql, which does not exist/],
      ['symlink loop', (f) => fs.symlinkSync(f, f), /is a symlink to .*, which does not exist \(or loops\)/],
      ['folder', (f) => fs.mkdirSync(f), /is a folder/],
      ['pipe', (f) => execFileSync('mkfifo', [f]), /is not a regular file/],
    ];
    for (const [what, make, message] of broken) {
      const cwd = tempProject({ 'migrations/001_a.sql': createTable('a'), 'seeds/common/01_a.sql': 'select 1;' });
      make(path.join(cwd, 'migrations/002_b.sql'), cwd);
      expect(() => listMigrationFolder(path.join(cwd, 'migrations'), (f) => path.relative(cwd, f)), what).toThrow(expect.objectContaining({ code: 'file_error', exitCode: 2, message: expect.stringMatching(/^migrations\/002_b\.sql is named as a migration but /) }));
      expect(() => listMigrationFolder(path.join(cwd, 'migrations')), what).toThrow(message);
      make(path.join(cwd, 'seeds/common/02_b.ts'), cwd);
      expect(() => listSeedFolder(path.join(cwd, 'seeds'), 'development', (f) => path.relative(cwd, f)), what).toThrow(/^seeds\/common\/02_b\.ts is named as a seed but /);
    }
  });

  it('a tree walk (the template hash) follows symlinked files and folders, and a loop ends', () => {
    const cwd = tempProject({ 'tree/a.csv': '', 'other/b.csv': '', 'other/deep/c.csv': '' });
    fs.symlinkSync(path.join(cwd, 'other/b.csv'), path.join(cwd, 'tree/b.csv'));
    fs.symlinkSync(path.join(cwd, 'other/deep'), path.join(cwd, 'tree/deep'));
    fs.symlinkSync(path.join(cwd, 'tree'), path.join(cwd, 'tree/loop'));
    expect(filesUnder(path.join(cwd, 'tree'))).toEqual(['a.csv', 'b.csv', 'deep/c.csv']);
    expect(listSourceFiles(path.join(cwd, 'tree'), { what: 'fixture', extensions: ['.csv'] }, { folders: 'skip' }).notes).toEqual([]);
  });
});

describe.each(backends)('symlinked migrations on $name', (backend) => {
  it('are applied, and status sees them; each note is said once', async () => {
    const p = await migrationProject(backend, { '001_a.sql': createTable('a') });
    fs.mkdirSync(path.join(p.cwd, 'elsewhere'));
    fs.writeFileSync(path.join(p.cwd, 'elsewhere/002_b.sql'), createTable('b'));
    fs.symlinkSync(path.join(p.cwd, 'elsewhere/002_b.sql'), path.join(p.cwd, 'migrations/002_b.sql'));
    fs.writeFileSync(path.join(p.cwd, 'migrations/003_c.txt'), createTable('c'));
    const before = await p.migrator.status();
    expect(before.migrations.map((m) => [m.name, m.state])).toEqual([['001_a', 'pending'], ['002_b', 'pending']]);
    const report = await p.migrator.up();
    expect(report.results.map((r) => [r.name, r.status])).toEqual([['001_a', 'success'], ['002_b', 'success']]);
    expect(await p.query(`select to_regclass('public.b')::text as t`)).toEqual([{ t: 'b' }]);
    expect((await p.migrator.status()).summary).toMatchObject({ applied: 2, pending: 0, modified: 0, missing: 0 });
    const notes = p.events.filter((e) => e.type === 'note');
    expect(notes).toEqual([{ type: 'note', message: 'migrations/003_c.txt is not a migration (a migration ends in .ts, .mts, .js, .mjs, .sql): not read' }]);
  });

  it('status --check fails on a pending symlinked migration and names the skipped file on stderr and in --json', async () => {
    const t = await freshDatabase(backend);
    const cwd = linkedProject();
    const env = { DATABASE_URL: t.url };
    const pending = await runArgv(['migrate', 'status', '--check', '--json'], { cwd, env });
    expect(pending.code).toBe(4);
    const doc = pending.json();
    expect(doc.summary).toMatchObject({ total: 3, pending: 3 });
    expect(doc.warnings).toContain('migrations/README.txt is not a migration (a migration ends in .ts, .mts, .js, .mjs, .sql): not read');
    expect(pending.stderr).toContain('warning: migrations/004_shout.SQL is not a migration (extensions are lower case: .sql): not read');
    expect((await runArgv(['migrate', 'up'], { cwd, env })).code).toBe(0);
    const status = await runArgv(['migrate', 'status', '--check'], { cwd, env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/003_c\s+applied/);
  });

  it('a migration named in the folder but unreadable (a dangling symlink) stops up and status --check: nothing applied', async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({ 'migrations/001_a.sql': createTable('a'), 'migrations/003_c.sql': createTable('c') });
    fs.symlinkSync('../bazel-out/002_b.sql', path.join(cwd, 'migrations/002_b.sql'));
    const env = { DATABASE_URL: t.url };
    for (const argv of [['migrate', 'up'], ['migrate', 'status', '--check']]) {
      const r = await runArgv([...argv, '--json'], { cwd, env });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.json().error).toMatchObject({ code: 'file_error', message: 'migrations/002_b.sql is named as a migration but is a symlink to ../bazel-out/002_b.sql, which does not exist (or loops): it cannot be read' });
    }
    fs.rmSync(path.join(cwd, 'migrations/002_b.sql'));
    expect((await runArgv(['migrate', 'status', '--json'], { cwd, env })).json().summary).toMatchObject({ applied: 0, pending: 2 });
  });

  it('status --check of a folder with no migrations (and none applied) checked nothing: exit 4, not a pass', async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({ 'migrations/README.md': '# migrations' });
    const env = { DATABASE_URL: t.url };
    const status = await runArgv(['migrate', 'status', '--check', '--json'], { cwd, env });
    expect(status.code).toBe(4);
    expect(status.json().error).toMatchObject({ code: 'status_check', message: 'no migrations in migrations and none applied: status --check checked nothing' });
    expect(status.json().warnings).toEqual(['migrations/README.md is not a migration (a migration ends in .ts, .mts, .js, .mjs, .sql): not read']);
    const verify = await runArgv(['migrate', 'verify'], { cwd, env });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('nothing to verify: no migration is applied yet');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { runCli, tempProject, writeFiles } from '../../helpers/cli.js';

const migration = (up: string) => `-- migrate:up\n${up}\n-- migrate:down\n`;
const FIRST = migration(`create type kind as enum ('a', 'b');
create table notes (id bigint generated always as identity primary key, kind kind not null default 'a', body text not null, created_at timestamptz not null default now());
create view recent_notes as select id, body from notes where created_at > now() - interval '1 day';`);
const SECOND = migration(`alter table notes add column title text; alter table notes drop column kind;
create view recent_titles as select id, title from notes;`);
const NO_STACK = /\n\s+at /;

describe('dbctl typegen --from-migrations (no server)', () => {
  // A server URL nothing answers on: the embedded scratch database must be all that is used.
  const env = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' };

  it('--check exits 4 when the file is missing, and writes nothing', async () => {
    const cwd = tempProject({ 'migrations/001_notes.sql': FIRST });
    const missing = await runArgv(['typegen', '--check', '--from-migrations'], { cwd, env });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^error: src\/db\/types\.ts does not exist$/m);
    expect(missing.stderr).toContain('hint: run `dbctl typegen --from-migrations`');
    expect(fs.existsSync(path.join(cwd, 'src/db/types.ts'))).toBe(false);
  });

  it('writes the file (the binary, end to end), then --check exits 0 while it is fresh', async () => {
    const cwd = tempProject({ 'migrations/001_notes.sql': FIRST });
    const write = await runCli(['typegen', '--from-migrations'], { cwd, env });
    expect(write.code).toBe(0);
    expect(write.stdout).toContain('wrote src/db/types.ts (2 tables and views)');
    expect(fs.readFileSync(path.join(cwd, 'src/db/types.ts'), 'utf8')).toContain('  recent_notes: RecentNotes;\n');
    const fresh = await runArgv(['typegen', '--check', '--from-migrations'], { cwd, env });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain('src/db/types.ts is up to date');
  });

  it('--check exits 4 on a stale file with a readable summary, human and JSON', async () => {
    const cwd = tempProject({ 'migrations/001_notes.sql': FIRST });
    expect((await runArgv(['typegen', '--from-migrations'], { cwd, env })).code).toBe(0);
    writeFiles(cwd, { 'migrations/002_titles.sql': SECOND });
    const stale = await runArgv(['typegen', '--check', '--from-migrations'], { cwd, env });
    expect(stale.code).toBe(4);
    expect(stale.stderr).toContain('  added interface RecentTitles\n');
    expect(stale.stderr).toContain('  changed interface Notes: +title, -kind\n');
    expect(stale.stderr).toMatch(/^error: src\/db\/types\.ts is stale: \d+ declaration\(s\) differ from the schema$/m);
    expect(stale.stderr).not.toMatch(NO_STACK);

    const json = await runArgv(['typegen', '--check', '--from-migrations', '--json'], { cwd, env });
    expect(json.code).toBe(4);
    expect(json.json()).toMatchObject({ ok: false, error: { code: 'typegen_stale', file: 'src/db/types.ts', missing: false, summary: expect.arrayContaining(['added interface RecentTitles']) } });
    expect(json.json().error.diff).toContain('+  title: string | null;');
  });

  it('honours --out and the config file; refuses an output inside node_modules (exit 2)', async () => {
    const cwd = tempProject({
      'migrations/001_notes.sql': FIRST,
      'dbctl.config.json': JSON.stringify({ typegen: { out: 'db/generated.ts', camelCase: true } }),
    });
    const write = await runArgv(['typegen', '--from-migrations', '--json'], { cwd, env });
    expect(write.code).toBe(0);
    expect(write.json()).toMatchObject({ ok: true, file: 'db/generated.ts', changed: true, tables: 2 });
    expect(fs.readFileSync(path.join(cwd, 'db/generated.ts'), 'utf8')).toContain('  createdAt: Generated<Timestamp>;');

    const other = await runArgv(['typegen', '--from-migrations', '--out', 'types/db.ts', '--exclude-pattern', '*.recent_*'], { cwd, env });
    expect(other.code).toBe(0);
    expect(fs.readFileSync(path.join(cwd, 'types/db.ts'), 'utf8')).not.toContain('RecentNotes');

    const refused = await runArgv(['typegen', '--from-migrations', '--out', 'node_modules/.db/types.ts'], { cwd, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: typegen output .* is inside node_modules/m);
  });
});

describe.each(backends)('dbctl typegen on the live database ($name)', (backend) => {
  it('migrate up --typegen writes the types; --check compares with the live schema', async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({ 'migrations/001_notes.sql': FIRST });
    const env = { DATABASE_URL: t.url };

    const up = await runCli(['migrate', 'up', '--typegen'], { cwd, env });
    expect(up.code).toBe(0);
    expect(up.stderr).toContain('typegen: wrote src/db/types.ts (2 tables and views)');
    const written = fs.readFileSync(path.join(cwd, 'src/db/types.ts'), 'utf8');
    expect(written).toContain('  id: GeneratedAlways<Int8>;');
    expect(written).not.toMatch(/kysely_migration|dbctl_migration/);

    expect((await runArgv(['typegen', '--check'], { cwd, env })).code).toBe(0);
    // The live database and the migrations give the same file.
    expect((await runArgv(['typegen', '--check', '--from-migrations'], { cwd, env })).code).toBe(0);

    writeFiles(cwd, { 'migrations/002_titles.sql': SECOND });
    expect((await runArgv(['migrate', 'up'], { cwd, env })).code).toBe(0);
    const stale = await runArgv(['typegen', '--check'], { cwd, env });
    expect(stale.code).toBe(4);
    expect(stale.stderr).toContain('changed interface Notes: +title, -kind');
    expect(stale.stderr).toContain('hint: run `dbctl typegen` (with the same options)');

    const regen = await runArgv(['typegen'], { cwd, env });
    expect(regen.code).toBe(0);
    expect(regen.stdout).toContain('wrote src/db/types.ts (3 tables and views)');
    expect((await runArgv(['typegen', '--check'], { cwd, env })).code).toBe(0);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/driver/database.js';
import { runCli, tempProject } from '../helpers/cli.js';

/**
 * The schema-as-code loop through the real binary on the embedded database: edit schema/, write
 * the migration, apply it (its CONCURRENTLY index runs for real, outside a transaction), and the CI
 * guard agrees; edit again and the guard names the difference.
 */
describe('migrate diff, end to end (embedded)', () => {
  it('writes a verified migration, migrate up applies it, --check guards the schema', async () => {
    const cwd = tempProject({
      'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }),
      'migrations/001_notes.sql': '-- migrate:up\ncreate table notes (id int primary key, body text);\n-- migrate:down\ndrop table notes;\n',
      'schema/01_notes.sql': 'create table notes (id int primary key, body text, tags text[] not null default \'{}\');\ncreate index notes_tags on notes using gin (tags);\n',
    });
    const diff = await runCli(['migrate', 'diff', 'add_note_tags', '--json'], { cwd });
    expect(diff.code, diff.stderr).toBe(0);
    const report = JSON.parse(diff.stdout);
    expect(report).toMatchObject({ ok: true, empty: false, hazards: expect.arrayContaining(['INDEX_BUILD']) });
    const file = path.join(cwd, report.file);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('-- migrate:up transaction:false');
    expect(text).toContain('CREATE INDEX CONCURRENTLY notes_tags');
    expect(text).toContain('-- hazards: INDEX_BUILD');

    // The hazards declare what lint would find: the generated file lints clean.
    const lint = await runCli(['migrate', 'lint'], { cwd });
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    const up = await runCli(['migrate', 'up'], { cwd });
    expect(up.code, up.stderr).toBe(0);
    const agreed = await runCli(['migrate', 'diff', '--check'], { cwd });
    expect(agreed.code, agreed.stderr).toBe(0);

    fs.writeFileSync(path.join(cwd, 'schema/01_notes.sql'), 'create table notes (id int primary key, body text not null, tags text[] not null default \'{}\');\ncreate index notes_tags on notes using gin (tags);\n');
    const stale = await runCli(['migrate', 'diff', '--check'], { cwd });
    expect(stale.code).toBe(4);
    expect(stale.stderr).toContain('public.notes.body');
    const down = await runCli(['migrate', 'down'], { cwd });
    expect(down.code, down.stderr).toBe(0);
  }, 300_000);

  it('refuses a drop without --allow-data-loss and writes nothing', async () => {
    const cwd = tempProject({
      'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }),
      'migrations/001_notes.sql': '-- migrate:up\ncreate table notes (id int primary key, body text);\n-- migrate:down\ndrop table notes;\n',
      'schema.sql': 'create table notes (id int primary key);\n',
    });
    const refused = await runCli(['migrate', 'diff', 'drop_body', '--schema-dir', 'schema.sql'], { cwd });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('column public.notes.body');
    expect(fs.readdirSync(path.join(cwd, 'migrations'))).toEqual(['001_notes.sql']);
    const allowed = await runCli(['migrate', 'diff', 'drop_body', '--schema-dir', 'schema.sql', '--allow-data-loss'], { cwd });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(fs.readdirSync(path.join(cwd, 'migrations'))).toHaveLength(2);
  }, 300_000);

  it('a schema file that does not load is named by file:line:col, before a migration that fails too (both sides build at once)', async () => {
    const cwd = tempProject({
      'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }),
      'migrations/001_notes.sql': '-- migrate:up\ncreate table notes (id int primary key, body txt);\n-- migrate:down\ndrop table notes;\n',
      'schema/01_notes.sql': 'create table notes (id int primary key);\n\ncreate index notes_x on notes (id) wher id > 0;\n',
    });
    const failed = await runCli(['migrate', 'diff', 'x'], { cwd });
    expect(failed.code, failed.stderr).toBe(2);
    expect(failed.stderr).toContain('schema/01_notes.sql:3:36: syntax error at or near "wher"');
    const json = await runCli(['migrate', 'diff', 'x', '--json'], { cwd });
    expect(json.json().error).toMatchObject({ code: 'schema_source_missing', file: path.join('schema', '01_notes.sql'), line: 3, col: 36, sqlstate: '42601' });
    expect(fs.readdirSync(path.join(cwd, 'migrations'))).toEqual(['001_notes.sql']);
  }, 300_000);

  it('--scratch server with no server configured exits 2 naming what to configure', async () => {
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }), 'migrations/.keep': '', 'schema.sql': 'create table notes (id int);\n' });
    const result = await runCli(['migrate', 'diff', 'notes', '--schema-dir', 'schema.sql', '--scratch', 'server'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--scratch server, but no server is configured');
    expect(fs.readdirSync(path.join(cwd, 'migrations'))).toEqual(['.keep']);
  }, 120_000);

  it('--url: the live database is the current state and sizes each hazard in --json', async () => {
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }), 'migrations/.keep': '', 'schema.sql': 'create table users (id int primary key);\n' });
    const live = await openDatabase({ url: 'pglite://live', cwd });
    try {
      await live.session((client) => client.script("create table users (id int primary key, nickname text); insert into users select g, 'n' from generate_series(1, 300) g; analyze users;"));
    } finally {
      await live.close();
    }
    const result = await runCli(['migrate', 'diff', '--schema-dir', 'schema.sql', '--url', 'pglite://live', '--allow-data-loss', '--json'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const [drop] = result.json().up;
    expect(drop).toMatchObject({ object: 'column public.users.nickname', hazards: expect.arrayContaining(['DELETES_DATA']), size: { relation: 'users', rows: 300, atLeast: false } });
  }, 300_000);
});

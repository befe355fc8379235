import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/driver/database.js';
import { compareWithFile, renderSvg } from '../../../src/schema/index.js';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { diagnostics, runCli, tempProject } from '../../helpers/cli.js';
import { sqlMigration } from '../../migrate/helpers.js';

const project = () =>
  tempProject({
    'migrations/001_authors.sql': sqlMigration(`create table authors (id serial primary key, name text not null);
      create table books (id serial primary key, author_id int not null references authors (id), title text not null);`),
  });

const hasDot = spawnSync('dot', ['-V']).status === 0;

describe('schema commands, end to end (embedded)', () => {
  it('migrate up --dump-schema, dump --check, drift and erd on the embedded database', async () => {
    const cwd = project();
    const up = await runCli(['migrate', 'up', '--dump-schema'], { cwd });
    expect(up.code, up.stderr).toBe(0);
    expect(diagnostics(up.stderr)).toContain('schema dump: wrote schema.sql');
    expect(fs.readFileSync(path.join(cwd, 'schema.sql'), 'utf8')).toContain('CREATE TABLE public.books (');

    const database = await openDatabase({ url: `pglite://${path.join(cwd, '.dbctl/pglite')}` });
    await database.query('alter table books add column isbn text');
    await database.close();

    const check = await runArgv(['schema', 'dump', '--check', '--json'], { cwd });
    expect(check.code).toBe(4);
    expect(check.json()).toMatchObject({ ok: false, fresh: false, diff: ['+     isbn text,'], error: { code: 'schema_stale' } });

    const drift = await runArgv(['schema', 'drift', '--json'], { cwd });
    expect(drift.code, drift.stderr).toBe(4);
    expect(drift.json()).toMatchObject({ ok: false, equal: false, missing: [], changed: [], extra: [{ kind: 'column', name: 'public.books.isbn' }], error: { code: 'schema_drift' } });

    const erd = await runArgv(['schema', 'erd', '--out', 'erd.svg'], { cwd });
    if (hasDot) {
      expect(erd.code, erd.stderr).toBe(0);
      expect(fs.readFileSync(path.join(cwd, 'erd.svg'), 'utf8')).toMatch(/<svg[\s\S]*authors[\s\S]*<\/svg>/);
    } else {
      expect(erd.code).toBe(2);
      expect(erd.stderr).toContain('install the package graphviz');
    }
  });

  it('SVG without Graphviz names the package to install; a committed file that is missing is stale', () => {
    expect(() => renderSvg('digraph {}', 'dot-is-not-installed-here')).toThrow(/install the package graphviz/);
    expect(compareWithFile(path.join(tempProject(), 'docs/erd.md'), 'erDiagram\n')).toMatchObject({ fresh: false, missing: true, diff: [] });
  });
});

describe.each(backends.filter((b) => b.name === 'pg'))('schema drift, end to end ($name)', (backend) => {
  it('a server database that matches its migrations: exit 0', async () => {
    const cwd = project();
    const target = await freshDatabase(backend);
    expect((await runArgv(['--url', target.url, 'migrate', 'up'], { cwd })).code).toBe(0);
    const drift = await runCli(['--url', target.url, 'schema', 'drift', '--json'], { cwd });
    expect(drift.code, drift.stderr).toBe(0);
    expect(drift.json()).toMatchObject({ ok: true, equal: true, missing: [], extra: [], changed: [] });
  });
});

describe.each(backends)('a schema filter that matches nothing is an error, not "no drift" ($name)', (backend) => {
  it('drift, dump and erd name the missing schema or table; a schema only the migrations build is drift', async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({
      'migrations/001_authors.sql': sqlMigration(`create schema billing; create table billing.invoices (id int primary key);
        create table authors (id serial primary key, name text not null);`),
    });
    const cli = (...args: string[]) => runArgv(args, { cwd, env: { DATABASE_URL: t.url } });
    expect((await cli('migrate', 'up')).code).toBe(0);
    const drift = await cli('schema', 'drift', '--schema', 'nosuchschema', '--json');
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.json().error).toMatchObject({ code: 'schema_missing', missing: ['nosuchschema'] });
    expect(drift.stderr).toContain('error: --schema: no schema named "nosuchschema" in the database or what the migrations build');
    expect(drift.stderr).toContain('hint: schemas there: billing, public');
    expect((await cli('schema', 'drift', '--schema', 'public', '--schema', 'billing')).code).toBe(0);
    const dump = await cli('schema', 'dump', '--out', '-', '--schema', 'nosuchschema');
    expect(dump.code).toBe(2);
    expect(dump.stderr).toContain('no schema named "nosuchschema" in the database');
    const erd = await cli('schema', 'erd', '--out', 'erd.mmd', '--tables', 'authors', '--tables', 'nosuchtable');
    expect(erd.code).toBe(2);
    expect(erd.stderr).toContain('--tables: "nosuchtable" matches no table or view');

    // Dropped by hand, the schema is still in what the migrations build: drift (exit 4), not a usage error.
    const database = await openDatabase({ url: t.url, cwd });
    await database.query('drop schema billing cascade');
    await database.close();
    const dropped = await cli('schema', 'drift', '--schema', 'billing', '--json');
    expect(dropped.code, dropped.stderr).toBe(4);
    expect(dropped.json().missing).toContainEqual(expect.objectContaining({ kind: 'schema', name: 'billing' }));
  });
});

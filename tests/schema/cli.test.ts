import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/driver/open.js';
import { compareWithFile, renderSvg } from '../../src/schema/index.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { runArgv } from '../helpers/argv.js';
import { diagnostics, runCli, tempProject } from '../helpers/cli.js';
import { sqlMigration } from '../migrate/helpers.js';

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

    const database = await openDatabase({ url: `pglite://${path.join(cwd, '.dbctl/pglite')}`, kysely: false });
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

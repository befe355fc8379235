import { describe, expect, it } from 'vitest';
import { withSqlConsole, isComplete, type ConsoleOutcome } from '../../src/console/index.js';
import { openDatabase } from '../../src/driver/database.js';
import { backends, freshDatabase } from '../helpers/backends.js';

describe('isComplete', () => {
  it('waits for a semicolon outside quotes, dollar quotes and comments', () => {
    expect(isComplete('select 1;')).toBe(true);
    expect(isComplete('select 1')).toBe(false);
    expect(isComplete(`select 'a;`)).toBe(false);
    expect(isComplete(`select $$ x;`)).toBe(false);
    expect(isComplete(`select 1 -- a;`)).toBe(false);
    expect(isComplete(`select 'a;';`)).toBe(true);
  });
});

describe.each(backends)('SQL console on $name', (backend) => {
  async function withConsole<T>(fn: Parameters<typeof withSqlConsole<T>>[2], readOnly = false): Promise<T> {
    const t = await freshDatabase(backend);
    const database = await openDatabase({ url: t.url });
    try {
      return await withSqlConsole(database, { readOnly }, fn);
    } finally {
      await database.close();
    }
  }

  it('runs statements line by line on one session, and describes tables with \\d', async () => {
    await withConsole(async (c) => {
      const all: ConsoleOutcome[] = [];
      for (const line of [
        'create table author (id int primary key, name text not null default \'anon\');',
        'create table book (id serial primary key, author_id int references author (id),',
        '  title text);',
        'create index book_title_idx on book (title);',
        'begin;',
        'insert into author (id) values (1);',
        'commit;',
        'select id, name from author',
        ';',
      ]) all.push(...(await c.line(line)));
      const rows = all.filter((o) => o.kind === 'rows');
      expect(rows.at(-1)).toMatchObject({ command: 'SELECT', columns: ['id', 'name'], rows: [{ id: 1, name: 'anon' }] });
      expect(await c.line('\\d')).toEqual([{ kind: 'tables', tables: [{ schema: 'public', table: 'author' }, { schema: 'public', table: 'book' }] }]);
      const [described] = await c.line('\\d book');
      expect(described.kind).toBe('table');
      if (described.kind !== 'table') return;
      expect(described.table.columns.map((col) => [col.name, col.type, col.notNull])).toEqual([['id', 'integer', true], ['author_id', 'integer', false], ['title', 'text', false]]);
      expect(described.table.constraints.map((k) => k.kind).sort()).toEqual(['foreign key', 'primary key']);
      expect(described.table.indexes.map((i) => i.name)).toEqual(['book_title_idx']);
      expect(await c.line('\\d nothing_here')).toMatchObject([{ kind: 'error', error: { message: 'did not find a table named "nothing_here"' } }]);
      expect(await c.line('\\q')).toEqual([{ kind: 'quit' }]);
    });
  });

  it('stops a script at the first error, with its SQLSTATE and position', async () => {
    await withConsole(async (c) => {
      const outcomes = await c.run('select 1 as one; select nope from missing_table; select 3;');
      expect(outcomes.map((o) => o.kind)).toEqual(['rows', 'error']);
      expect(outcomes[1]).toMatchObject({ kind: 'error', error: { sqlstate: '42P01', line: 1, col: 35 } }); // counted in the script, not the statement
    });
  });

  it('read-only: a write fails with 25006, a read runs', async () => {
    await withConsole(async (c) => {
      const outcomes = await c.run('select 1 as one; create table nope (x int);');
      expect(outcomes.map((o) => o.kind)).toEqual(['rows', 'error']);
      expect(outcomes[1]).toMatchObject({ error: { sqlstate: '25006' } });
    }, true);
  });
});

describe('dbctl sql argv (no spawn)', () => {
  it('a query and --file together are a usage error (exit 2), naming both', async () => {
    const { runArgv } = await import('../helpers/argv.js');
    const { tempProject } = await import('../helpers/cli.js');
    const r = await runArgv(['sql', 'select 1', '-f', 'x.sql'], { cwd: tempProject() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give a query or --file, not both');
  });

  it('--psql on the embedded database is a usage error pointing at db serve', async () => {
    const { runArgv } = await import('../helpers/argv.js');
    const { tempProject } = await import('../helpers/cli.js');
    const r = await runArgv(['sql', '--psql', 'select 1'], { cwd: tempProject() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--psql needs a server; embedded PGlite at .* is embedded/);
    expect(r.stderr).toContain('dbctl db serve');
  });
});

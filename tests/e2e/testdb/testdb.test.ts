import { describe, expect, it } from 'vitest';
import { backends } from '../../helpers/backends.js';
import { migration, queryAt, testdbProject } from '../../testdb/helpers.js';

describe.each(backends)('dbctl testdb on $name', (backend) => {
  it('builds the template exactly once for 5 concurrent creates; clones are isolated', async () => {
    const p = testdbProject(backend);
    const runs = await Promise.all(Array.from({ length: 5 }, () => p.cli(['testdb', 'create', '--json'])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const docs = runs.map((r) => r.json());
    expect(new Set(docs.map((d) => d.template)).size).toBe(1);
    expect(docs[0].template).toMatch(new RegExp(`^${p.prefix}_tpl_[0-9a-f]{16}$`));
    expect(docs.filter((d) => d.built)).toHaveLength(1);
    expect(new Set(docs.map((d) => d.name)).size).toBe(5);
    for (const d of docs) {
      expect(Object.keys(d).filter((k) => k !== 'clones').sort()).toEqual(['built', 'milliseconds', 'name', 'ok', 'strategy', 'target', 'template', 'url']);
      expect(d.clones === undefined || typeof d.clones === 'number').toBe(true); // embedded: the clones there (pile-up.ts)
      expect(typeof d.milliseconds).toBe('number');
    }

    const [a, b] = docs;
    await queryAt(a.url, p.cwd, `insert into items values (1, 'only in a')`);
    expect(await queryAt(a.url, p.cwd, 'select label from items')).toEqual([{ label: 'only in a' }]);
    expect(await queryAt(b.url, p.cwd, 'select label from items')).toEqual([]);

    const dropped = await p.run(['testdb', 'drop', '--all', '--json']);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.json().dropped).toHaveLength(6);
  });

  it('a seeded template is a separate template holding the test seeds', async () => {
    const p = testdbProject(backend, {
      'seeds/test/01_items.sql': `insert into items values (1, 'seeded') on conflict do nothing;`,
      'seeds/development/01_items.sql': `insert into items values (2, 'not for tests') on conflict do nothing;`,
    });
    const plain = (await p.run(['testdb', 'create', '--json'])).json();
    const seeded = await p.run(['testdb', 'create', '--seed', '--json']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.json().template).not.toBe(plain.template);
    expect(await queryAt(seeded.json().url, p.cwd, 'select id, label from items')).toEqual([{ id: 1, label: 'seeded' }]);
    expect(await queryAt(plain.url, p.cwd, 'select id from items')).toEqual([]);
    expect((await p.run(['testdb', 'drop', '--all'])).code).toBe(0);
  });

  it('prune drops stale templates and old clones; drop refuses other databases; drop --all empties', async () => {
    const p = testdbProject(backend);
    const first = (await p.run(['testdb', 'create', '--json'])).json();
    p.write('migrations/002_tags.sql', migration('create table tags (id int);', 'drop table tags;'));
    const second = (await p.run(['testdb', 'create', '--json'])).json();
    expect(second.template).not.toBe(first.template);
    expect(await queryAt(second.url, p.cwd, 'select count(*)::int as n from tags')).toEqual([{ n: 0 }]);

    // Young clones stay; the template for the old migration set goes.
    const pruned = await p.run(['testdb', 'prune', '--older-than', '1h', '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.json().dropped).toEqual([first.template]);

    const refused = await p.run(['testdb', 'drop', 'postgres']);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('"postgres" is not a dbctl test database');

    const old = await p.run(['testdb', 'prune', '--older-than', '0ms', '--json']);
    expect(old.json().dropped.sort()).toEqual([first.name, second.name].sort());

    expect((await p.run(['testdb', 'drop', second.template])).code).toBe(0);
    const list = await p.run(['testdb', 'list', '--json']);
    expect(list.json().databases).toEqual([]);

    // Dropping what is not there is an error naming it, not "dropped 1".
    const gone = await p.run(['testdb', 'drop', second.name, '--json']);
    expect(gone.code).toBe(2);
    expect(gone.json().error).toMatchObject({ code: 'testdb_missing', database: second.name });
    expect(gone.stderr).toContain(`error: test database "${second.name}" does not exist on `);
  });
});

import { describe, expect, it } from 'vitest';
import type { MigrateEvent } from '../../../src/migrate/migrator.js';
import { backends } from '../../helpers/backends.js';
import { runCli, tempProject } from '../../helpers/cli.js';
import { migrationProject, sqlMigration, tsMigration } from '../../migrate/helpers.js';

/**
 * The main job's output is the product: every name a run prints or emits must be the name of the
 * file that ran, in the order it ran. Consecutive TS/JS migrations share one session (ts-session),
 * which once printed the last of a run under the first one's name.
 */
const ts = (table: string) => tsMigration(`await db.schema.createTable('${table}').addColumn('id', 'integer').execute();`, `await db.schema.dropTable('${table}').execute();`);
const sql = (table: string) => sqlMigration(`create table ${table} (id int);`, `drop table ${table};`);
const sqlOutside = (table: string) => `-- migrate:up transaction:false\ncreate table ${table} (id int);\n-- migrate:down transaction:false\ndrop table ${table};\n`;

const runs: Record<string, Record<string, string>> = {
  'TS only': { '001_a.ts': ts('a'), '002_b.ts': ts('b'), '003_c.ts': ts('c'), '004_d.mjs': ts('d').replace(/: Promise<void>|, type Kysely|: Kysely<any>/g, '') },
  'SQL only': { '001_a.sql': sql('a'), '002_b.sql': sql('b'), '003_c.sql': sqlOutside('c'), '004_d.sql': sql('d') },
  mixed: { '001_a.ts': ts('a'), '002_b.ts': ts('b'), '003_c.sql': sql('c'), '004_d.ts': ts('d'), '005_e.ts': ts('e'), '006_f.sql': sqlOutside('f'), '007_g.ts': ts('g') },
};

const namesOf = (events: MigrateEvent[], type: 'start' | 'done') => events.filter((e) => e.type === type).map((e) => (e as { name: string }).name);

describe.each(backends)('the names a run emits, on $name', (backend) => {
  it.each(Object.entries(runs))('%s: every start and done event, up and down, names the file that ran', async (_, files) => {
    const names = Object.keys(files).map((f) => f.replace(/\.[^.]+$/, ''));
    const p = await migrationProject(backend, files);
    const up = await p.migrator.up();
    expect(up.results.map((r) => r.name)).toEqual(names);
    expect(namesOf(p.events, 'start')).toEqual(names);
    expect(namesOf(p.events, 'done')).toEqual(names);
    expect(p.events.filter((e) => e.type === 'done').map((e) => (e as { direction: string }).direction)).toEqual(names.map(() => 'up'));

    p.events.length = 0;
    const down = await p.migrator.down({ all: true });
    const reversed = [...names].reverse();
    expect(down.results.map((r) => r.name)).toEqual(reversed);
    expect(namesOf(p.events, 'start')).toEqual(reversed);
    expect(namesOf(p.events, 'done')).toEqual(reversed);

    // In two steps: a run that starts in the middle of a run of TS migrations names them right too.
    p.events.length = 0;
    await p.migrator.up({ step: 2 });
    await p.migrator.up();
    expect(namesOf(p.events, 'done')).toEqual(names);
  });

  it('--single-transaction names each migration once, in order', async () => {
    const files = { '001_a.ts': ts('a'), '002_b.sql': sql('b'), '003_c.ts': ts('c'), '004_d.ts': ts('d') };
    const p = await migrationProject(backend, files);
    await p.migrator.up({ singleTransaction: true });
    expect(namesOf(p.events, 'start')).toEqual(['001_a', '002_b', '003_c', '004_d']);
    expect(namesOf(p.events, 'done')).toEqual(['001_a', '002_b', '003_c', '004_d']);
  });

  it('an empty down section says nothing ran; baseline and redo say what they did', async () => {
    const p = await migrationProject(backend, { '001_a.sql': sqlMigration('create table a (id int);', '-- nothing to undo'), '002_b.ts': ts('b') });
    await p.migrator.up();
    p.events.length = 0;
    const redo = await p.migrator.redo();
    expect(redo.kind).toBe('redo');
    expect(redo.results.map((r) => [r.name, r.direction])).toEqual([['002_b', 'down'], ['002_b', 'up']]);
    const down = await p.migrator.down({ all: true });
    expect(down.results.map((r) => [r.name, r.empty ?? false])).toEqual([['002_b', false], ['001_a', true]]);
    expect(p.events.filter((e) => e.type === 'done' && e.name === '001_a')).toMatchObject([{ empty: true }]);
    await p.query('drop table a');
    const baseline = await p.migrator.baseline('002_b');
    expect(baseline).toMatchObject({ kind: 'baseline', results: [{ name: '001_a' }, { name: '002_b' }] });
  });
});

describe('the names the CLI prints for a mixed run (spawned, embedded)', () => {
  it('up, down, baseline, redo and an empty down: each line names what ran and says what happened', async () => {
    const cwd = tempProject({
      'migrations/001_a.ts': ts('a'),
      'migrations/002_b.ts': ts('b'),
      'migrations/003_c.sql': sql('c'),
      'migrations/004_d.ts': ts('d'),
      'migrations/005_e.ts': ts('e'),
      'migrations/006_f.ts': ts('f'),
      'migrations/007_g.sql': sqlMigration('create table if not exists g (id int);', ''),
    });
    const all = ['001_a', '002_b', '003_c', '004_d', '005_e', '006_f', '007_g'];
    const applied = (stdout: string, arrow: string) => [...stdout.matchAll(new RegExp(`^${arrow} \\S+ +(\\S+)`, 'gm'))].map((m) => m[1]);

    const up = await runCli(['migrate', 'up', '--to', '006_f'], { cwd });
    expect(up.code, up.stderr).toBe(0);
    expect(applied(up.stdout, '↑')).toEqual(all.slice(0, 6));
    expect(up.stdout).toMatch(/^applied 6 migration\(s\) in \d+ ms \(batch 1\)$/m);

    const json = await runCli(['migrate', 'up', '--json'], { cwd });
    expect(json.code, json.stderr).toBe(0);
    expect(json.json().results.map((r: { name: string }) => r.name)).toEqual(['007_g']);

    const down = await runCli(['migrate', 'down', '--all'], { cwd });
    expect(down.code, down.stderr).toBe(0);
    expect(applied(down.stdout, '↓')).toEqual([...all].reverse());
    expect(down.stdout).toMatch(/^↓ unrecorded 007_g \(its down section is empty: nothing ran\)$/m);
    expect(down.stdout).not.toMatch(/reverted 007_g/);

    const none = await runCli(['migrate', 'down'], { cwd });
    expect(none.stdout).toMatch(/^nothing to revert$/m);
    expect(none.stdout).not.toMatch(/↓/);

    const baseline = await runCli(['migrate', 'baseline', '002_b'], { cwd });
    expect(baseline.code, baseline.stderr).toBe(0);
    expect(baseline.stdout).toMatch(/^baselined 2 migration\(s\) up to 002_b: marked applied without running them/m);
    expect(baseline.stdout).not.toMatch(/applied 2/);
    expect(applied(baseline.stdout, '=')).toEqual(['001_a', '002_b']);

    const rest = await runCli(['migrate', 'up', '--json'], { cwd });
    expect(rest.json().results.map((r: { name: string }) => r.name)).toEqual(all.slice(2));
    const redo = await runCli(['migrate', 'redo'], { cwd });
    expect(redo.code, redo.stderr).toBe(0);
    expect(redo.stdout).toMatch(/^reverted 007_g, re-applied 007_g in \d+ ms/m);
  }, 300_000); // seven embedded runs of the binary, one after another: room for a loaded machine
});

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { openDatabase } from '../../src/driver/database.js';
import { migrateDiff } from '../../src/flows/migrate-diff.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { tempProject } from '../helpers/cli.js';

/**
 * With a live database (--url / -e ENV), each hazard is sized from its catalog as `migrate lint`
 * sizes the tables a migration locks: the planner's estimate for an analyzed table, a count that
 * stops at lint.largeTableRows for one never analyzed ("≥ N rows"), and the size on disk.
 */
describe.each(backends)('migrate diff hazard sizes from the live database ($name)', (backend) => {
  it('the generated migration and the steps say how large each hazard\'s table is', async () => {
    const t = await freshDatabase(backend);
    const live = await openDatabase({ url: t.url });
    try {
      await live.session((client) => client.script(`
        create table users (id int primary key, nickname text);
        insert into users select g, 'n' || g from generate_series(1, 1200) g;
        analyze users;
        create table orders (id int primary key, note text);
        insert into orders select g, 'o' from generate_series(1, 20) g;`));
    } finally {
      await live.close();
    }
    const cwd = tempProject({
      'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' }, lint: { largeTableRows: 5 } }),
      // nickname dropped (DELETES_DATA on users), an index built on orders (INDEX_BUILD), a new table (nothing to size).
      'schema.sql': 'create table users (id int primary key);\ncreate table orders (id int primary key, note text);\ncreate index orders_note on orders (note);\ncreate table tags (id int primary key);\n',
    });
    const config = await resolveConfig({ cwd, url: t.url, environ: {}, database: false });
    const result = await migrateDiff(config, { mode: 'dry-run', schemaPath: 'schema.sql', fromUrl: t.url, allowDataLoss: true });

    const drop = result.up.find((s) => s.object === 'column public.users.nickname')!;
    expect(drop.hazards).toContain('DELETES_DATA');
    expect(drop.size).toMatchObject({ relation: 'users', rows: 1200, atLeast: false });
    expect(drop.size!.bytes).toBeGreaterThan(0);
    // Never analyzed: counted, stopping at lint.largeTableRows.
    const index = result.up.find((s) => s.sql.includes('orders_note'))!;
    expect(index.size).toMatchObject({ relation: 'orders', rows: 5, atLeast: true });
    expect(result.up.find((s) => s.object === 'table public.tags')!.size).toBeUndefined();

    expect(result.text).toMatch(/^-- hazards: ACQUIRES_ACCESS_EXCLUSIVE_LOCK, DELETES_DATA on users \(~1\.2k rows, \d+ kB\)\n.*\nALTER TABLE public\.users DROP COLUMN nickname;$/m);
    expect(result.text).toMatch(/^-- hazards: INDEX_BUILD on orders \(≥ 5 rows, \d+ kB\)$/m);
    // The down re-adds the column: sized too, from the same catalog.
    expect(result.down.find((s) => s.sql.includes('ADD COLUMN nickname'))?.size).toMatchObject({ relation: 'users', rows: 1200 });
  }, 300_000);

  it('the data-loss refusal says how much each step would delete', async () => {
    const t = await freshDatabase(backend);
    const live = await openDatabase({ url: t.url });
    try {
      await live.session((client) => client.script("create table users (id int primary key, nickname text); insert into users select g, 'n' from generate_series(1, 300) g; analyze users;"));
    } finally {
      await live.close();
    }
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }), 'schema.sql': 'create table users (id int primary key);\n' });
    const config = await resolveConfig({ cwd, url: t.url, environ: {}, database: false });
    const error = await migrateDiff(config, { mode: 'dry-run', schemaPath: 'schema.sql', fromUrl: t.url }).catch((e) => e);
    expect(error.exitCode).toBe(5);
    expect(error.message).toMatch(/column public\.users\.nickname \(users: ~300 rows, \d+ kB\): ALTER TABLE public\.users DROP COLUMN nickname;/);
  }, 300_000);

  it('without a live database nothing is sized', async () => {
    const cwd = tempProject({
      'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }),
      'migrations/001_users.sql': '-- migrate:up\ncreate table users (id int primary key, nickname text);\n-- migrate:down\ndrop table users;\n',
      'schema.sql': 'create table users (id int primary key);\n',
    });
    const config = await resolveConfig({ cwd, environ: {}, database: false });
    const result = await migrateDiff(config, { mode: 'dry-run', schemaPath: 'schema.sql', allowDataLoss: true });
    expect(result.up.map((s) => s.size)).toEqual([undefined]);
    expect(result.text).toMatch(/^-- hazards: ACQUIRES_ACCESS_EXCLUSIVE_LOCK, DELETES_DATA\n/m);
  }, 300_000);
});

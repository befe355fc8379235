import { describe, expect, it } from 'vitest';
import { prepareTarget } from '../../src/copy/target.js';
import { openDatabase } from '../../src/driver/database.js';
import { backends, freshDatabase } from '../helpers/backends.js';

/**
 * What the new database is readied with before rows load into it: an insert trigger on a loaded
 * table, or on a partition of one, must not fire on copied rows (an audit or updated_at trigger
 * would rewrite them), and fires again once the copy is finished.
 */
describe.each(backends)('db copy: the target readied for loading ($name)', (backend) => {
  it("disables the user triggers of the loaded tables (a partition's too) while rows load, and enables them after", async () => {
    const t = await freshDatabase(backend);
    const db = await openDatabase({ url: t.url });
    try {
      await db.query(`create function refuse() returns trigger language plpgsql as $$ begin raise exception 'trigger fired'; end $$;
        create table plain (id int primary key);
        create table parted (id int not null, region text not null) partition by list (region);
        create table parted_eu partition of parted for values in ('eu');
        create table quiet (id int primary key);
        create trigger plain_refuse before insert on plain for each row execute function refuse();
        create trigger eu_refuse before insert on parted_eu for each row execute function refuse();
        create trigger parted_refuse before insert on parted for each row execute function refuse();
        create trigger plain_off before insert on plain for each row execute function refuse();
        alter table plain disable trigger plain_off;
        create trigger plain_always before update on plain for each row execute function refuse();
        alter table plain enable always trigger plain_always;`);
      const states = async () => (await db.query<{ t: string }>(`select tgrelid::regclass || '.' || tgname || '=' || tgenabled::text as t from pg_trigger where not tgisinternal order by 1`)).rows.map((r) => r.t);
      const before = await states();
      const target = await db.session((client) => prepareTarget(client, ['public.plain', 'public.parted', 'public.quiet'], []));
      // Loading: no trigger fires.
      await db.query('insert into plain values (1)');
      await db.query(`insert into parted values (1, 'eu')`);
      await db.query('insert into quiet values (1)');
      await db.session(() => target.finish());
      // Each trigger back in its own state: one a migration left disabled stays so, an ALWAYS one is ALWAYS.
      expect(await states()).toEqual(before);
      expect(before).toContain('plain.plain_off=D');
      expect(before).toContain('plain.plain_always=A');
      await expect(db.query('insert into plain values (2)')).rejects.toThrow(/trigger fired/);
      await expect(db.query(`insert into parted values (2, 'eu')`)).rejects.toThrow(/trigger fired/);
      expect((await db.query<{ n: number }>('select ((select count(*) from plain) + (select count(*) from parted) + (select count(*) from quiet))::int as n')).rows[0].n).toBe(3);
    } finally {
      await db.close();
    }
  }, 60_000);
});

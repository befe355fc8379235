import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { copyIn, copyInAll } from '../../src/driver/copy.js';
import { openDatabase } from '../../src/driver/database.js';
import { backends, freshDatabase } from '../helpers/backends.js';

/** One copyIn on both backends: the caller never says which one it is on. */
describe.each(backends)('copyIn ($name)', (backend) => {
  it('loads COPY text inside the caller\'s transaction, batch by batch, and rolls back with it', async () => {
    const t = await freshDatabase(backend);
    const database = await openDatabase({ url: t.url });
    try {
      await database.query('create table t (id int primary key, note text)');
      await (await database.kysely()).transaction().execute(async (trx) => {
        const sink = await copyIn(trx, 'copy t (id, note) from stdin');
        await sink.write('1\ta\n2\t\\N\n');
        await sink.write('3\tline\\nbreak\n');
        await sink.close();
        // A dump's own statement (upper case, with its semicolon), as the SQL loader passes it.
        await copyInAll(trx, 'COPY public.t (id, note) FROM stdin;', '4\tdump\n');
      });
      const { rows } = await database.query('select id, note from t order by id');
      expect(rows).toEqual([{ id: 1, note: 'a' }, { id: 2, note: null }, { id: 3, note: 'line\nbreak' }, { id: 4, note: 'dump' }]);

      await expect(
        (await database.kysely()).transaction().execute(async (trx) => {
          await copyInAll(trx, 'copy t (id, note) from stdin', '5\tkept?\n');
          await sql`select 1/0`.execute(trx);
        }),
      ).rejects.toThrow(/division by zero/);
      await expect((await database.kysely()).transaction().execute((trx) => copyInAll(trx, 'copy t (id, note) from stdin', '1\tduplicate\n'))).rejects.toThrow(/duplicate key/);
      expect((await database.query('select count(*)::int as n from t')).rows[0].n).toBe(4);
    } finally {
      await database.close();
    }
  });
});

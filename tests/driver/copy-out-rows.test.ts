import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { copyOutRows } from '../../src/driver/pg/copy-out-rows.js';
import { backends, freshDatabase } from '../helpers/backends.js';

const native = backends.find((b) => b.name === 'pg');

/**
 * copyOutRows reads a COPY's rows straight off pg's socket (the verification of a restore uses it on
 * servers only). The rows must be the server's, byte for byte, however the reads cut the messages;
 * the session must stay usable after the COPY, after a COPY the server fails midway, and after a
 * sink that throws.
 */
// Without a server the suite is skipped, not absent: `describe.each([])` is "No test suite found", a failed file.
describe.runIf(native)('copyOutRows (server; skipped without TEST_DATABASE_URL)', () => {
  async function client(): Promise<pg.Client> {
    const t = await freshDatabase(native!);
    const c = new pg.Client({ connectionString: t.url });
    await c.connect();
    return c;
  }

  it('gives every row without its newline, the same bytes pg-copy-streams gives, and the session goes on', async () => {
    const c = await client();
    try {
      // Rows long enough that messages are cut between socket reads, and values with COPY escapes.
      const statement = `copy (select g, repeat('x', g % 5000), E'tab\\there, line\\nbreak, back\\\\slash', case when g % 7 = 0 then null end from generate_series(1, 20000) g) to stdout`;
      const rows: string[] = [];
      const count = await copyOutRows(c, statement, (data, start, end) => rows.push(data.toString('utf8', start, end)));
      expect(count).toBe(20000);
      const { default: copyStreams } = await import('pg-copy-streams');
      let text = '';
      for await (const chunk of c.query(copyStreams.to(statement)) as AsyncIterable<Buffer>) text += chunk.toString('utf8');
      expect(rows.join('\n') + '\n').toBe(text);
      expect(rows[0]).toBe('1\tx\ttab\\there, line\\nbreak, back\\\\slash\t\\N');
      expect((await c.query('select 42 as n')).rows).toEqual([{ n: 42 }]);
    } finally {
      await c.end();
    }
  });

  it('rejects with the server\'s error when the COPY fails midway, and the session goes on', async () => {
    const c = await client();
    try {
      let seen = 0;
      await expect(copyOutRows(c, 'copy (select 1 / (5000 - g) from generate_series(1, 10000) g) to stdout', () => void seen++)).rejects.toThrow(/division by zero/);
      expect(seen).toBeGreaterThan(0);
      expect((await c.query('select 1 as n')).rows).toEqual([{ n: 1 }]);
    } finally {
      await c.end();
    }
  });

  it('reads the COPY to its end when the sink throws, then rejects with the sink\'s error', async () => {
    const c = await client();
    try {
      await expect(copyOutRows(c, 'copy (select g from generate_series(1, 1000) g) to stdout', () => {
        throw new Error('sink failed');
      })).rejects.toThrow('sink failed');
      expect((await c.query('select 2 as n')).rows).toEqual([{ n: 2 }]);
    } finally {
      await c.end();
    }
  });
});

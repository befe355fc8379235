import fs from 'node:fs';
import { createRequire } from 'node:module';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { openDatabase } from '../../src/driver/database.js';
import { generateTypes } from '../../src/typegen/index.js';
import { tempProject } from '../helpers/cli.js';
import { FIXTURE_SQL, SNAPSHOT_FILE } from './fixture.js';

/**
 * TypeScript 7 is a native compiler whose package exports no JS API (only its version).
 * kysely-codegen requires `typescript` when it loads and reaches for its parser only for column
 * overrides, which dbctl does not pass: typegen must give the same bytes with TypeScript 7 (issue
 * 26). What the package resolves to is replaced before kysely-codegen first loads (this file's
 * worker has not loaded it), with a record of every property read.
 */
it('typegen gives the same types when the installed TypeScript has no JS API (TypeScript 7)', async () => {
  const require = createRequire(createRequire(import.meta.url).resolve('kysely-codegen'));
  const id = require.resolve('typescript');
  const read: string[] = [];
  const ts7 = new Proxy({ version: '7.0.2' } as Record<string, unknown>, { get: (t, k) => (read.push(String(k)), t[k as string]) });
  require.cache[id] = { id, filename: id, loaded: true, exports: ts7 } as unknown as NodeJS.Module;
  const database = await openDatabase({ url: 'pglite://memory' });
  try {
    await sql.raw(FIXTURE_SQL).execute(await database.kysely());
    const text = await generateTypes(database, await resolveConfig({ cwd: tempProject(), environ: {} }));
    expect(read).toContain('__esModule'); // kysely-codegen loaded the stand-in …
    expect(read.filter((k) => k !== '__esModule')).toEqual([]); // … and never used it
    expect(text).toBe(fs.readFileSync(SNAPSHOT_FILE, 'utf8'));
  } finally {
    await database.close();
    delete require.cache[id];
  }
});

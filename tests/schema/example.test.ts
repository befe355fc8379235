import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { describeSchemaDiff, detectDrift, dumpSchema, introspectSchema, mermaidMarkdown, renderMermaid } from '../../src/schema/index.js';
import { exampleDatabase, MIGRATIONS_DIR, type ExampleDatabase } from '../example/helpers.js';
import { backends } from '../helpers/backends.js';
import { ROOT } from '../helpers/cli.js';

/**
 * The example database's committed schema.sql and Mermaid ERD are what its migrations build, byte
 * for byte, on PGlite (Postgres 18) and on the server (Postgres 15): CI checks them with
 * --from-migrations on PGlite alone, so a difference between the versions would show here.
 */
describe.each(backends)('the example database ($name)', (backend) => {
  let example: ExampleDatabase;
  beforeAll(async () => {
    example = await exampleDatabase(backend);
  });
  afterAll(() => example?.close());

  it('gives the committed schema.sql and docs/database/erd.md', async (ctx) => {
    if (!example.hasVector) ctx.skip('this server has no pgvector: the example stops before the vector migration');
    const snapshot = await introspectSchema(example.database);
    expect(dumpSchema(snapshot)).toBe(fs.readFileSync(path.join(ROOT, 'schema.sql'), 'utf8'));
    expect(mermaidMarkdown(renderMermaid(snapshot))).toBe(fs.readFileSync(path.join(ROOT, 'docs/database/erd.md'), 'utf8'));
  });

  it('drift: none on the migrated database; a change made by hand is reported', async (ctx) => {
    if (!example.hasVector) ctx.skip('this server has no pgvector: the migrated template would fail');
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-drift-'));
    const config = await resolveConfig({ cwd, url: example.test.url, environ: {}, migrationsDir: MIGRATIONS_DIR });
    expect((await detectDrift(example.database, config)).diff.equal).toBe(true);
    fs.rmSync(path.join(cwd, '.dbctl/schema-cache'), { recursive: true, force: true });
    expect((await detectDrift(example.database, config)).reference.cached).toBe(false); // a clone of the template, snapshot cached

    await example.database.query(`alter table users add column nickname text; drop index courses_semester_idx;
      revoke insert on interactions from student_role`);
    const { diff, reference } = await detectDrift(example.database, config);
    expect(reference.cached).toBe(true); // the template's snapshot, not another clone
    expect(describeSchemaDiff(diff)).toEqual([
      'missing (in the migrations, not in the database):',
      '  - index courses_semester_idx on public.courses: CREATE INDEX courses_semester_idx ON public.courses USING btree (semester)',
      'extra (in the database, not in the migrations):',
      '  + column public.users.nickname: text',
      'changed:',
      '  ~ table public.interactions',
      '      grants to student_role: INSERT, SELECT → SELECT',
    ]);
    fs.rmSync(cwd, { recursive: true, force: true });
  });
});

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { withMigratedDatabase } from '../../src/database/migrated-scratch.js';
import { generateTypes } from '../../src/typegen/index.js';
import { backends } from '../helpers/backends.js';
import { tempProject } from '../helpers/cli.js';
import { migrationProject, sqlMigration } from './helpers.js';

const trigram = sqlMigration(
  `create extension if not exists pg_trgm;
create extension if not exists citext;
create table words (w citext not null);
create index words_trgm on words using gin ((w::text) gin_trgm_ops);
insert into words values ('Hello');`,
  'drop table words;',
);

describe.each(backends)('contrib extensions in migrations on $name', (backend) => {
  it('creates pg_trgm and citext and uses them', async () => {
    const p = await migrationProject(backend, { '001_words.sql': trigram });
    await p.migrator.up();
    expect(await p.query(`select similarity(w::text, 'hallo') > 0 as near, w = 'HELLO' as ci from words`)).toEqual([{ near: true, ci: true }]);
  });
});

describe('typegen --from-migrations', () => {
  it('applies migrations that create extensions the embedded database ships', async () => {
    const cwd = tempProject({ 'migrations/001_words.sql': trigram });
    const config = await resolveConfig({ cwd, environ: {} });
    const types = await withMigratedDatabase(config, async (database, report) => {
      expect(report.results.map((r) => r.status)).toEqual(['success']);
      return generateTypes(database, config);
    });
    expect(types).toMatch(/interface Words \{\s*w: string;/);
  });
});

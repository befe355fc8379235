import { summaryConfig } from '../../src/config/props.js';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/resolve.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { resetConfig, resetDatabase } from '../../src/reset/index.js';
import { runSeeds, seedConfig, summarizeTables, type SeedRunOptions } from '../../src/seed/index.js';
import { exampleDatabase, type ExampleDatabase } from '../example/helpers.js';
import { backends } from '../helpers/backends.js';
import { ROOT } from '../helpers/cli.js';
import { NO_VECTOR_REASON } from '../helpers/vector.js';

/** The repository's own seeds/ and fixtures/ against the example schema. */
describe.each(backends)('example seeds on $name', (backend) => {
  let ex: ExampleDatabase;
  let config: ResolvedConfig;
  const seed = (options: Partial<SeedRunOptions> = {}) => runSeeds({ database: ex.database, ...seedConfig(config), ...options });
  const counts = async () => Object.fromEntries((await summarizeTables(ex.db, summaryConfig(config))).map((t) => [t.table, t.rows]));
  const digests = async () => Object.fromEntries((await summarizeTables(ex.db, summaryConfig(config), { digest: true })).map((t) => [t.table, t.digest]));
  const reset = () => resetDatabase({ database: ex.database, ...resetConfig(config) });

  beforeAll(async () => {
    ex = await exampleDatabase(backend);
    // Not the repository root as cwd: its dbctl.config.ts imports the built package.
    const resolved = await resolveConfig({ cwd: path.join(ROOT, 'tests'), url: ex.test.url, environ: {} });
    config = { ...resolved, seeds: { ...resolved.seeds, dir: path.join(ROOT, 'seeds') }, fixtures: { dir: path.join(ROOT, 'fixtures') } };
  });
  afterAll(async () => ex?.close());

  it('development: 10 users (8 students, 2 educators), 2 courses, 50 documents with clustered embeddings, 100 interactions; twice = once', async (ctx) => {
    if (!ex.hasVector) ctx.skip(NO_VECTOR_REASON);
    const report = await seed();
    expect(report.seeds.map((s) => s.name)).toEqual(['common/01_courses', 'development/01_users', 'development/02_courses', 'development/03_documents', 'development/04_interactions']);
    const n = await counts();
    expect(n).toMatchObject({ users: 10, courses: 2, enrollments: 12, documents: 50, interactions: 100 });
    expect(n.document_chunks).toBeGreaterThanOrEqual(100);
    expect(n.document_chunks).toBeLessThanOrEqual(300);
    const { rows: roles } = await sql<{ role: string; n: string }>`select role, count(*) as n from users group by role order by role`.execute(ex.db);
    expect(roles.map((r) => [r.role, Number(r.n)])).toEqual([['educator', 2], ['student', 8]]);

    // Every embedding has 384 dimensions and unit length.
    const { rows: [shape] } = await sql<{ dims: number; min: number; max: number }>`
      select min(vector_dims(embedding)) as dims, min(vector_norm(embedding)) as min, max(vector_norm(embedding)) as max from document_chunks`.execute(ex.db);
    expect(shape.dims).toBe(384);
    expect(shape.min).toBeGreaterThan(0.999);
    expect(shape.max).toBeLessThan(1.001);

    // Clustered per course: a chunk's 5 nearest neighbours belong to its own course.
    const { rows: neighbours } = await sql<{ same: string }>`
      select (select count(*) from (
                select d2.course_id from document_chunks c2 join documents d2 on d2.id = c2.document_id
                where c2.id <> c.id order by c2.embedding <=> c.embedding limit 5) nn
              where nn.course_id = d.course_id) as same
      from document_chunks c join documents d on d.id = c.document_id
      order by c.id limit 25`.execute(ex.db);
    expect(neighbours.map((r) => Number(r.same))).toEqual(Array(25).fill(5));

    const once = await digests();
    const again = await seed();
    expect(again.totals).toEqual({});
    expect(await digests()).toEqual(once);
  });

  it('test: the small exact set', async (ctx) => {
    if (!ex.hasVector) ctx.skip(NO_VECTOR_REASON);
    await reset();
    await seed({ env: 'test' });
    expect(await counts()).toMatchObject({ users: 2, courses: 2, enrollments: 1, documents: 1, document_chunks: 2, interactions: 1 });
    const { rows } = await sql<{ email: string; role: string }>`select email, role from users order by email`.execute(ex.db);
    expect(rows).toEqual([{ email: 'alice@example.test', role: 'student' }, { email: 'bob@example.test', role: 'educator' }]);
  });

  it('staging: the development shape times --scale', async (ctx) => {
    if (!ex.hasVector) ctx.skip(NO_VECTOR_REASON);
    await reset();
    const report = await seed({ env: 'staging', scale: 3 });
    expect(report.seeds.map((s) => s.name)).toEqual(['common/01_courses', 'staging/01_users', 'staging/02_courses', 'staging/03_documents', 'staging/04_interactions']);
    expect(await counts()).toMatchObject({ users: 30, courses: 6, documents: 150, interactions: 300 });
    const { rows } = await sql<{ n: string }>`select count(*) as n from users where role = 'student'`.execute(ex.db);
    expect(Number(rows[0].n)).toBe(24);
  });

  it('production: no seeds beyond the shared course catalogue', async () => {
    const files = (await import('../../src/seed/files.js')).listSeedFiles(config.seeds.dir, 'production');
    expect(files.map((f) => f.name)).toEqual(['common/01_courses']);
  });
});

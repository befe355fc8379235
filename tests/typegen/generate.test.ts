import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import { withMigratedDatabase } from '../../src/database/migrated-scratch.js';
import { checkTypes, generateTypes, writeTypes } from '../../src/typegen/index.js';
import { backends } from '../helpers/backends.js';
import { tempProject } from '../helpers/cli.js';
import { NO_VECTOR_REASON, serverHasVector } from '../helpers/vector.js';
import { FIXTURE_SQL, SNAPSHOT, SNAPSHOT_FILE } from './fixture.js';

describe.each(backends)('generateTypes on $name', (backend) => {
  // One database per backend: these tests read the schema, none changes it.
  let t: TestDatabase;
  let database: Database;
  let config: ResolvedConfig;
  beforeAll(async () => {
    t = await createTestDatabase({ serverUrl: backend.serverUrl });
    database = await openDatabase({ url: t.url });
    await sql.raw(FIXTURE_SQL).execute(await database.kysely());
    config = await resolveConfig({ cwd: tempProject(), environ: {} });
  });
  afterAll(async () => {
    await database?.close();
    await t?.drop();
  });

  it('matches the snapshot, the same bytes on every backend and every run', async () => {
    const first = await generateTypes(database, config);
    await expect(first).toMatchFileSnapshot(SNAPSHOT);
    expect(await generateTypes(database, config)).toBe(first);
  });

  it('types each kind of column for what the database returns and accepts', async () => {
    const text = await generateTypes(database, config);
    const users = block(text, 'interface Users');
    expect(users).toContain('email: string;'); // domain over text
    expect(users).toContain('rank: number | null;'); // domain over a domain over integer
    expect(users).toContain('ages: number[] | null;'); // array of a domain
    expect(users).toContain('labels: string[] | null;'); // domain over text[]
    expect(users).toContain('favourite: Mood | null;'); // domain in another schema over a public enum
    expect(users).toContain('moods: ArrayType<Mood> | null;');
    expect(users).toContain('id: GeneratedAlways<Int8>;'); // identity ALWAYS: never insertable
    expect(users).toContain('handle: GeneratedAlways<string | null>;'); // stored generated column
    expect(users).toContain('counter: Generated<Int8>;'); // identity BY DEFAULT: optional on insert
    expect(users).toContain('legacy_id: Generated<number>;');
    expect(users).toContain('score: Numeric | null;');
    expect(users).toContain('created_at: Generated<Timestamp>;');
    expect(users).toContain('profile: Json | null;');
    expect(text).toContain('export type Mood = "sad" | "ok" | "happy";'); // declared order, not the locale's
    expect(text).toContain('export type AuditLevel = "info" | "warn" | "error";');
    expect(block(text, 'interface ActiveUsers')).toContain('email: ViewColumn<string | null>;');
    expect(block(text, 'interface MoodCounts')).toContain('n: ViewColumn<Int8 | null>;'); // materialized view
    expect(block(text, 'interface DB')).toContain('events: Events;'); // partitioned parent …
    expect(text).not.toMatch(/events_2024|Events2024/); // … without its partitions
    expect(block(text, 'interface DB')).toContain('"audit.log": AuditLog;');
  });

  it('applies the options: camelCase, schemas, include/exclude patterns, runtime enums', async () => {
    const camel = await generateTypes(database, config, { camelCase: true });
    expect(block(camel, 'interface Users')).toContain('createdAt: Generated<Timestamp>;');
    expect(block(camel, 'interface DB')).toContain('activeUsers: ActiveUsers;');
    expect(block(camel, 'interface ActiveUsers')).toContain('email: ViewColumn<string | null>;');
    expect(block(camel, 'interface Users')).toContain('legacyId: Generated<number>;');
    expect(block(camel, 'interface Users')).toContain('handle: GeneratedAlways<string | null>;');

    const audit = await generateTypes(database, config, { schemas: ['audit'] });
    expect(block(audit, 'interface DB').trim().split('\n')).toEqual(['export interface DB {', '  "audit.log": AuditLog;', '}']);

    const excluded = await generateTypes(database, config, { excludePattern: 'public.{users,events}' });
    expect(block(excluded, 'interface DB')).not.toMatch(/\busers\b|\bevents\b/);
    expect(block(excluded, 'interface DB')).toContain('active_users: ActiveUsers;');

    const included = await generateTypes(database, config, { includePattern: 'audit.*' });
    expect(included).toBe(audit);

    const enums = await generateTypes(database, config, { runtimeEnums: true });
    expect(enums).toContain('export enum Mood {\n  HAPPY = "happy",\n  OK = "ok",\n  SAD = "sad",\n}');
    expect(block(enums, 'interface Users')).toContain('mood: Generated<Mood>;');
  });

  it('leaves out dbctl and Kysely bookkeeping tables of the migrations schema', async () => {
    const tables = ['public.kysely_migration', 'public.kysely_migration_lock', 'public.dbctl_migration', 'public.dbctl_seed_run', 'audit.dbctl_note'];
    await sql.raw(tables.map((t) => `create table ${t} (id int);`).join('\n')).execute(await database.kysely());
    try {
      const db = block(await generateTypes(database, config), 'interface DB');
      expect(db).not.toMatch(/kysely_migration|"?dbctl_(migration|seed_run)/);
      expect(db).toContain('"audit.dbctl_note": AuditDbctlNote;'); // another schema: the application's own
    } finally {
      await sql.raw(`drop table ${tables.join(', ')};`).execute(await database.kysely());
    }
  });

  it('writeTypes writes only when the types changed; checkTypes tells fresh, stale and missing', async () => {
    const cwd = tempProject();
    const local = await resolveConfig({ cwd, environ: {} });
    const file = path.join(cwd, 'src/db/types.ts');
    expect(await checkTypes(database, local)).toEqual({ fresh: false, file });

    expect(await writeTypes(database, local)).toEqual({ file, changed: true, tables: 5 });
    const mtime = fs.statSync(file).mtimeMs;
    expect(await writeTypes(database, local)).toEqual({ file, changed: false, tables: 5 });
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
    expect(await checkTypes(database, local)).toEqual({ fresh: true, file });

    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('  small: number | null;\n', ''));
    const stale = await checkTypes(database, local);
    expect(stale.fresh).toBe(false);
    expect(stale.diff).toContain('+  small: number | null;');
  });

  it('refuses an output inside node_modules or not a .ts file', async () => {
    await expect(generateTypes(database, config, { out: 'node_modules/db/types.ts' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(generateTypes(database, config, { out: 'src/db/types.js' })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('types pgvector columns as number[] (configurable), written as pgvector.toSql text', async (ctx) => {
    if (backend.serverUrl && !(await serverHasVector(backend.serverUrl))) return ctx.skip(NO_VECTOR_REASON);
    const v = await createTestDatabase({ serverUrl: backend.serverUrl });
    const vdb = await openDatabase({ url: v.url });
    try {
      await sql`create extension if not exists vector; create table items (id int primary key, embedding vector(3), half halfvec(2), history vector[]); create view item_vectors as select id, embedding from items`.execute(await vdb.kysely());
      const text = await generateTypes(vdb, config);
      expect(text).toContain('export type Vector = ColumnType<number[], string, string>;');
      expect(block(text, 'interface Items')).toContain('embedding: Vector | null;');
      expect(block(text, 'interface Items')).toContain('half: Vector | null;');
      expect(block(text, 'interface Items')).toContain('history: ArrayType<Vector> | null;');
      expect(block(text, 'interface ItemVectors')).toContain('embedding: ViewColumn<Vector | null>;');
      const custom = await generateTypes(vdb, config, { vectorType: 'Float32Array' });
      expect(custom).toContain('export type Vector = ColumnType<Float32Array, string, string>;');
    } finally {
      await vdb.close();
      await v.drop();
    }
  });
});

describe('withMigratedDatabase (embedded by design: no server involved)', () => {
  it('applies the migrations to a throwaway database in memory (nothing on disk to delete), generates from it', async () => {
    const cwd = tempProject({ 'migrations/001_fixture.sql': `-- migrate:up\n${FIXTURE_SQL}\n-- migrate:down\n` });
    // A server URL that cannot answer: --from-migrations must never touch it.
    const config = await resolveConfig({ cwd, environ: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    let url = '';
    const text = await withMigratedDatabase(config, async (database, report) => {
      expect(report.results.map((r) => r.name)).toEqual(['001_fixture']);
      url = database.target.url;
      return generateTypes(database, config);
    });
    expect(text).toBe(fs.readFileSync(SNAPSHOT_FILE, 'utf8'));
    expect(text).not.toMatch(/kysely_migration|dbctl_migration/);
    expect(url).toBe('pglite://memory');
  });
});

/** The declaration that starts with `export ${head}`, up to its closing brace. */
function block(text: string, head: string): string {
  const start = text.indexOf(`export ${head} {`);
  if (start < 0) throw new Error(`no "export ${head}" in the generated types`);
  return text.slice(start, text.indexOf('\n}\n', start) + 3);
}

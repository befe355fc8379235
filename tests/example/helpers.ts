import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely, type Transaction } from 'kysely';
import { resolveConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import type { Backend } from '../helpers/backends.js';
import { ROOT } from '../helpers/cli.js';
import { serverHasVector } from '../helpers/vector.js';

export const MIGRATIONS_DIR = path.join(ROOT, 'migrations');
/** The migration that needs pgvector, and the last one a server without it can apply. */
export const VECTOR_MIGRATION = '20261122170600_pgvector';
export const BEFORE_VECTOR = '20261122170500_row_level_security';

/** The example database on one backend, shared by the tests of a file (opening one costs seconds). */
export interface ExampleDatabase {
  test: TestDatabase;
  database: Database;
  db: Kysely<any>;
  migrator: Migrator;
  /** Whether pgvector can be installed: always on PGlite; on a server, if it has the extension. */
  hasVector: boolean;
  close(): Promise<void>;
}

/**
 * A new database with the example migrations applied: all of them where pgvector exists, else up
 * to the last one before the vector migration (which would fail), so the rest is still tested.
 * The config is resolved from an empty folder, so neither the repository's .env nor its
 * dbctl.config.ts (which imports the built package) is involved.
 */
export async function exampleDatabase(backend: Backend, options: { migrate?: boolean } = {}): Promise<ExampleDatabase> {
  const test = await createTestDatabase({ serverUrl: backend.serverUrl, prefix: 'dbctl_example' });
  const hasVector = backend.serverUrl ? await serverHasVector(backend.serverUrl) : true;
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-example-'));
  const database = await openDatabase({ url: test.url, cwd });
  const config = await resolveConfig({ cwd, url: test.url, environ: {}, migrationsDir: MIGRATIONS_DIR });
  const migrator = new Migrator({ database, ...migratorConfig(config) });
  if (options.migrate !== false) await migrator.up(hasVector ? {} : { to: BEFORE_VECTOR });
  return {
    test,
    database,
    db: await database.kysely(),
    migrator,
    hasVector,
    close: async () => {
      await database.close();
      await test.drop();
      fs.rmSync(cwd, { recursive: true, force: true });
    },
  };
}

export type AppRole = 'student_role' | 'educator_role' | 'admin_role';

/**
 * Runs `fn` in a transaction as `role` acting for `userId`, the way the application would: both
 * settings are local to the transaction, so nothing leaks into the next test on a pooled session.
 */
export function asRole<T>(db: Kysely<any>, role: AppRole, userId: string | null, fn: (trx: Transaction<any>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`set local role ${sql.id(role)}`.execute(trx);
    if (userId) await sql`select set_config('app.user_id', ${userId}, true)`.execute(trx);
    return fn(trx);
  });
}

/** Rows of a raw query. */
export async function rows<T = any>(db: Kysely<any>, text: string): Promise<T[]> {
  return (await sql.raw(text).execute(db)).rows as T[];
}

/** The SQLSTATE a query fails with (pg and PGlite both put it on `code`), or 'ok'. */
export async function sqlstateOf(query: Promise<unknown>): Promise<string> {
  try {
    await query;
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

export interface Basics {
  student: string;
  otherStudent: string;
  educator: string;
  course: string;
  document: string;
}

/** Two students, an educator, a course with a document and both students enrolled; `tag` keeps emails and codes unique per test. */
export async function insertBasics(db: Kysely<any>, tag: string): Promise<Basics> {
  const user = async (name: string, role: string) =>
    (await db.insertInto('users').values({ email: `${name}.${tag}@example.edu`, role }).returning('id').executeTakeFirstOrThrow()).id as string;
  const student = await user('ann', 'student');
  const otherStudent = await user('bob', 'student');
  const educator = await user('eve', 'educator');
  const course = (await db.insertInto('courses').values({ code: `CS-${tag.toUpperCase()}`, name: 'Databases', semester: 'Fall 2026' }).returning('id').executeTakeFirstOrThrow()).id as string;
  const document = (await db.insertInto('documents')
    .values({ course_id: course, title: 'Lecture 1', file_path: `lectures/${tag}/01.pdf`, content_type: 'application/pdf', uploaded_by: educator })
    .returning('id').executeTakeFirstOrThrow()).id as string;
  await db.insertInto('enrollments').values([{ user_id: student, course_id: course }, { user_id: otherStudent, course_id: course }]).execute();
  return { student, otherStudent, educator, course, document };
}

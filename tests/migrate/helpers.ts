import fs from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { Migrator, migratorConfig, type MigrateEvent } from '../../src/migrate/migrator.js';
import { freshDatabase, type Backend } from '../helpers/backends.js';
import { tempProject, writeFiles } from '../helpers/cli.js';

const open: Database[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

export interface MigrationProject {
  cwd: string;
  url: string;
  database: Database;
  migrator: Migrator;
  events: MigrateEvent[];
  write(files: Record<string, string>): void;
  remove(name: string): void;
  /** A new Migrator over the same database (after config-affecting changes). */
  reload(overrides?: Parameters<typeof resolveConfig>[0]): Promise<Migrator>;
  query<T = any>(text: string): Promise<T[]>;
}

/** A temp project with `migrations/` holding `files`, and a fresh database on `backend`. */
export async function migrationProject(
  backend: Backend,
  files: Record<string, string>,
  overrides: Parameters<typeof resolveConfig>[0] = {},
): Promise<MigrationProject> {
  const t = await freshDatabase(backend);
  const cwd = tempProject(Object.fromEntries(Object.entries(files).map(([k, v]) => [`migrations/${k}`, v])));
  const database = await openDatabase({ url: t.url, cwd });
  open.push(database);
  const events: MigrateEvent[] = [];
  const make = async (o: Parameters<typeof resolveConfig>[0] = {}) =>
    new Migrator({ database, ...migratorConfig(await resolveConfig({ cwd, url: t.url, environ: {}, ...overrides, ...o })), onEvent: (e) => events.push(e) });
  const project: MigrationProject = {
    cwd,
    url: t.url,
    database,
    migrator: await make(),
    events,
    write: (more) => writeFiles(cwd, Object.fromEntries(Object.entries(more).map(([k, v]) => [`migrations/${k}`, v]))),
    remove: (name) => fs.rmSync(path.join(cwd, 'migrations', name)),
    reload: async (o) => (project.migrator = await make(o)),
    query: async (text) => (await database.query(text)).rows as any[],
  };
  return project;
}

export const sqlMigration = (up: string, down?: string) => `-- migrate:up\n${up}\n${down === undefined ? '' : `-- migrate:down\n${down}\n`}`;

export const tsMigration = (up: string, down?: string, extra = '') => `import { sql, type Kysely } from 'kysely';
export async function up(db: Kysely<any>): Promise<void> {
  ${up}
}
${down === undefined ? '' : `export async function down(db: Kysely<any>): Promise<void> {\n  ${down}\n}`}
${extra}
`;

export const createTable = (name: string) => sqlMigration(`create table ${name} (id int primary key);`, `drop table ${name};`);

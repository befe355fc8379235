import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

// No import that only a comment uses: the file compiles under noUnusedLocals as written.
export const TS_TEMPLATE = `import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // await db.schema.createTable('example').addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity()).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // await db.schema.dropTable('example').execute();
}
`;

export const SQL_TEMPLATE = `-- migrate:up


-- migrate:down

`;

/** `YYYYMMDDHHMMSS` in UTC: sorts in time order and is what dbmate and kysely-ctl users expect. */
export function timestampPrefix(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export interface NewMigrationOptions {
  dir: string;
  name: string;
  sql?: boolean;
  template?: string;
  now?: Date;
}

/** Writes a new timestamped migration file from a template and returns its path. */
export function createMigrationFile(options: NewMigrationOptions): string {
  const slug = options.name.trim().replace(/[\s-]+/g, '_').toLowerCase();
  if (!/^[a-z0-9_]+$/.test(slug)) {
    throw new UsageError(`invalid migration name "${options.name}": use letters, digits, _ or -`);
  }
  let body = options.sql ? SQL_TEMPLATE : TS_TEMPLATE;
  if (options.template) {
    if (!fs.existsSync(options.template)) throw new UsageError(`migration template ${options.template} not found`);
    body = fs.readFileSync(options.template, 'utf8');
  }
  fs.mkdirSync(options.dir, { recursive: true });
  const file = path.join(options.dir, `${timestampPrefix(options.now)}_${slug}.${options.sql ? 'sql' : 'ts'}`);
  if (fs.existsSync(file)) throw new UsageError(`${path.basename(file)} already exists`);
  fs.writeFileSync(file, body.replaceAll('{{name}}', slug));
  return file;
}

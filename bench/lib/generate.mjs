import fs from 'node:fs';
import path from 'node:path';

/**
 * Case 1's schema, written once per tool in that tool's own format: migration i creates table
 * t_i (uuid pk with a default, text, int, timestamptz, jsonb, a foreign key to t_{i-1}) and one index.
 * All three formats produce the same DDL, so the tools are compared on the same work.
 */
const pad = (i) => String(i).padStart(4, '0');
export const tableName = (i) => `t${pad(i)}`;
export const migrationName = (i) => `${pad(i)}_create_${tableName(i)}`;

export function sqlUp(i) {
  const t = tableName(i);
  return `create table ${t} (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  n integer not null default 0,
  created_at timestamptz not null default now(),
  data jsonb,
  prev_id uuid${i > 1 ? ` references ${tableName(i - 1)} (id)` : ''}
);
create index ${t}_created_at_idx on ${t} (created_at);
`;
}

function kyselyTs(i) {
  const t = tableName(i);
  return `import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('${t}')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql\`gen_random_uuid()\`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql\`now()\`))
    .addColumn('data', 'jsonb')
    .addColumn('prev_id', 'uuid'${i > 1 ? `, (c) => c.references('${tableName(i - 1)}.id')` : ''})
    .execute();
  await db.schema.createIndex('${t}_created_at_idx').on('${t}').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('${t}').execute();
}
`;
}

/** The same migration in plain JavaScript (what a project without TypeScript writes): no transpiling. */
function kyselyJs(i) {
  return kyselyTs(i).replace("import { sql, type Kysely } from 'kysely';", "import { sql } from 'kysely';").replace(/\(db: Kysely<any>\): Promise<void>/g, '(db)');
}

function nodePgMigrateJs(i) {
  const t = tableName(i);
  return `export const up = (pgm) => {
  pgm.createTable('${t}', {
    id: { type: 'uuid', primaryKey: true, default: pgm.func('gen_random_uuid()') },
    name: { type: 'text', notNull: true },
    n: { type: 'integer', notNull: true, default: 0 },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    data: { type: 'jsonb' },
    prev_id: { type: 'uuid'${i > 1 ? `, references: '${tableName(i - 1)}(id)'` : ''} },
  });
  pgm.createIndex('${t}', 'created_at', { name: '${t}_created_at_idx' });
};

export const down = (pgm) => {
  pgm.dropTable('${t}');
};
`;
}

function dbmateSql(i) {
  return `-- migrate:up\n${sqlUp(i)}\n-- migrate:down\ndrop table ${tableName(i)};\n`;
}

/** Writes `count` migrations into `dir` in the given format: 'ts' | 'js' (Kysely, plain JS) | 'npm' (node-pg-migrate) | 'dbmate' (.sql). */
export function writeMigrations(dir, count, format) {
  fs.mkdirSync(dir, { recursive: true });
  const [ext, body] = { ts: ['.ts', kyselyTs], js: ['.js', kyselyJs], npm: ['.js', nodePgMigrateJs], dbmate: ['.sql', dbmateSql] }[format];
  for (let i = 1; i <= count; i++) fs.writeFileSync(path.join(dir, migrationName(i) + ext), body(i));
}

/** The psql floor: every migration's DDL in one file, run with `psql -1` (one transaction). */
export function writeSqlScript(file, count) {
  let text = '';
  for (let i = 1; i <= count; i++) text += sqlUp(i);
  fs.writeFileSync(file, text);
}

/** The files `dbctl init` writes. Kept apart from the logic so they read as the user will see them. */

export const CONFIG_TEMPLATE = `import { defineConfig } from 'dbctl/config';

// dbctl's configuration. With no DATABASE_URL (environment or .env), every command uses the
// embedded database in .dbctl/pglite: nothing to install. Point DATABASE_URL at a server to use one.
export default defineConfig({
  migrations: { dir: 'migrations' },
  seeds: { dir: 'seeds' },
  typegen: { out: 'src/db/types.ts' },
  // The production server's Postgres major. The embedded database is Postgres 18; migrate up and
  // lint refuse there what this major would (a virtual generated column, uuidv7(), …).
  // postgres: { version: 17 },
  // environments: {
  //   test: { url: 'postgres://postgres@localhost:5432/app_test' },
  //   production: { url: process.env.PRODUCTION_DATABASE_URL, protected: true },
  // },
});
`;

/** The config template saying which major production runs, and where that came from. */
export function configTemplate(postgres?: { version: number; from: string }): string {
  if (!postgres) return CONFIG_TEMPLATE;
  return CONFIG_TEMPLATE.replace(/  \/\/ postgres: \{ version: \d+ \},\n/, `  postgres: { version: ${postgres.version} }, // ${postgres.from}\n`);
}

export const FIRST_MIGRATION = `import { sql, type Kysely } from 'kysely';

// Written by \`dbctl init\`: change or replace it before it is applied anywhere that matters.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql\`gen_random_uuid()\`))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql\`now()\`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('users').execute();
}
`;

/**
 * The desired schema that the first migration builds, for `init --schema`: `dbctl migrate diff
 * --check` agrees with the migrations from the start (Postgres normalises both, so the constraint
 * names Kysely and this DDL give are the same: users_pkey, users_email_key).
 */
export const FIRST_SCHEMA = `-- The schema you want, as SQL. Edit it, then \`dbctl migrate diff NAME\` writes the migration
-- that gets there (verified, with its hazards); \`dbctl migrate diff --check\` in CI says when they disagree.
-- Every .sql file in this folder is loaded, in path order.
CREATE TABLE public.users (
    id uuid DEFAULT gen_random_uuid() PRIMARY KEY,
    email text NOT NULL UNIQUE,
    created_at timestamptz DEFAULT now() NOT NULL
);
`;

export const FIRST_SEED = `import type { SeedContext } from 'dbctl';

// Stable ids (ctx.id) and upserts make the seed idempotent: running \`dbctl seed\` twice changes nothing.
export async function seed(ctx: SeedContext): Promise<void> {
  const users = Array.from({ length: 3 * ctx.scale }, (_, i) => ({
    id: ctx.id('users', i),
    email: \`user\${i}@example.com\`,
    created_at: ctx.faker.date.past(),
  }));
  await ctx.upsert('users', users);
}
`;

/** Postgres with pgvector, pinned; reachable from this machine only; the password only from .env. */
export const COMPOSE_TEMPLATE = `# PostgreSQL 17 with pgvector for development (written by \`dbctl init --docker\`).
#   docker compose up -d --wait      # then dbctl uses it through DATABASE_URL in .env
# The password comes from .env only; the port is bound to 127.0.0.1, so other machines cannot reach it.
services:
  postgres:
    image: pgvector/pgvector:0.8.1-pg17
    restart: unless-stopped
    environment:
      POSTGRES_DB: \${POSTGRES_DB:?set POSTGRES_DB in .env}
      POSTGRES_USER: \${POSTGRES_USER:?set POSTGRES_USER in .env}
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env (see .env.example)}
    ports:
      - "127.0.0.1:\${POSTGRES_PORT:-5433}:5432"
    volumes:
      - pgdata:/var/lib/postgresql/data
    healthcheck:
      # Over TCP: while init scripts run, the server listens on its Unix socket only.
      test: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U \\"$\${POSTGRES_USER}\\" -d \\"$\${POSTGRES_DB}\\""]
      interval: 2s
      timeout: 3s
      retries: 30

volumes:
  pgdata:
`;

export interface ServerSettings {
  database: string;
  user: string;
  password: string;
  port: number;
}

/** `.env` lines for the compose database, and the DATABASE_URL that points dbctl at it. */
export function envLines(s: ServerSettings): Record<string, string> {
  return {
    POSTGRES_DB: s.database,
    POSTGRES_USER: s.user,
    POSTGRES_PASSWORD: s.password,
    POSTGRES_PORT: String(s.port),
    // The password once: dbctl and docker compose both expand ${POSTGRES_PASSWORD} in .env. One that
    // a URL cannot hold as it is (`@`, `/`, …) is written encoded instead.
    DATABASE_URL: `postgres://${s.user}:${encodeURIComponent(s.password) === s.password ? '${POSTGRES_PASSWORD}' : encodeURIComponent(s.password)}@127.0.0.1:${s.port}/${s.database}`,
  };
}

export const ENV_HEADER = '# Written by `dbctl init --docker`; git-ignored. docker compose and dbctl both read it.\n';
export const ENV_EXAMPLE_HEADER =
  '# Copy to .env and choose a password. docker compose reads POSTGRES_*; dbctl reads DATABASE_URL\n' +
  '# (without it, dbctl uses the embedded database in .dbctl/pglite).\n';

import { sql, type Kysely } from 'kysely';

/**
 * pgvector is not part of Postgres: say so, and how to get it, instead of letting CREATE EXTENSION
 * fail with "could not open extension control file".
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { rows } = await sql`select 1 from pg_available_extensions where name = 'vector'`.execute(db);
  if (!rows.length) {
    throw new Error(
      'pgvector is missing: this server has no "vector" extension, which document_chunks.embedding needs. ' +
        'Start the docker-compose database (image pgvector/pgvector:pg16: `docker compose up -d --wait`), ' +
        'install pgvector on the server (https://github.com/pgvector/pgvector#installation), ' +
        'or unset DATABASE_URL to use the embedded database, which includes it.',
    );
  }
  await sql`create extension if not exists vector`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop extension vector`.execute(db);
}

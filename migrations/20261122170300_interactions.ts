import { sql, type Kysely } from 'kysely';

/**
 * Every request a user makes to a course service (search, chat, …) and what it answered. Written
 * with Kysely's schema builder to show a TypeScript migration next to the SQL ones.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('interactions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // A user's activity is theirs: deleting the user deletes it.
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // The history stays useful without the course (analytics), so the link is only cleared.
    .addColumn('course_id', 'uuid', (c) => c.references('courses.id').onDelete('set null'))
    .addColumn('service_type', 'text', (c) => c.notNull())
    .addColumn('request_data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('response_data', 'jsonb')
    .addColumn('latency_ms', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('interactions_service_type_check', sql`service_type in ('search', 'chat', 'summarize', 'quiz')`)
    .addCheckConstraint('interactions_latency_ms_check', sql`latency_ms >= 0`)
    .addCheckConstraint('interactions_request_data_check', sql`jsonb_typeof(request_data) = 'object'`)
    .execute();

  // "A user's recent activity" and "recent activity per service" are the common reads.
  await db.schema.createIndex('interactions_user_id_created_at_idx').on('interactions').columns(['user_id', 'created_at desc']).execute();
  await db.schema.createIndex('interactions_course_id_idx').on('interactions').column('course_id').execute();
  await db.schema.createIndex('interactions_service_type_created_at_idx').on('interactions').columns(['service_type', 'created_at desc']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('interactions').execute();
}

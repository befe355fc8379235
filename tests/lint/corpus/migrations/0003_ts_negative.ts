import type { Kysely } from 'kysely';

// A table created in the same migration holds no rows yet: indexing it needs no CONCURRENTLY.
// -require-concurrent-index-creation -prefer-bigint-over-int -large-table-lock -large-table-rewrite
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('tags').addColumn('id', 'bigint', (c) => c.primaryKey()).addColumn('label', 'text').execute();
  await db.schema.createIndex('tags_label_idx').on('tags').column('label').execute();
  await db.schema.alterTable('small').addColumn('tag_id', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('small').dropColumn('tag_id').execute();
  await db.schema.dropTable('tags').execute();
}

import type { Kysely } from 'kysely';

// dbctl-lint-ignore large-table-lock -- a nullable column is a catalog change; big is only read by nightly jobs
// -large-table-lock
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('big').addColumn('flag', 'boolean').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('big').dropColumn('flag').execute();
}

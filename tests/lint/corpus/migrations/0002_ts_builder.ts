import type { Kysely } from 'kysely';

// +require-concurrent-index-creation +changing-column-type +large-table-rewrite
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('orders_account_id_idx').on('orders').column('account_id').execute();
  await db.schema.alterTable('big').alterColumn('n', (c) => c.setDataType('bigint')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('big').alterColumn('n', (c) => c.setDataType('integer')).execute();
  await db.schema.dropIndex('orders_account_id_idx').execute();
}

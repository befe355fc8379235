import { sql, type Kysely } from 'kysely';

// Outside a transaction, CONCURRENTLY is right; IF NOT EXISTS makes a half-done run re-runnable.
// -ban-concurrent-index-creation-in-transaction -require-concurrent-index-creation -prefer-robust-stmts
export const config = { transaction: false };

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index concurrently if not exists big_note_idx on big (note)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index concurrently if exists big_note_idx`.execute(db);
}

import { sql, type Kysely } from 'kysely';

export interface DistributeOptions {
  /** A distributed table to colocate with (its shards on the same nodes), `'none'`, or Citus's default grouping. */
  colocateWith?: string;
  /** Shards of a new colocation group; Citus's default (citus.shard_count, 32) when omitted. */
  shardCount?: number;
}

/**
 * Distributes `table` by `column` (Citus `create_distributed_table`). Works inside a migration's
 * transaction, on a table created earlier in the same migration; a table that already holds rows
 * has them copied into the shards. Pair it in `down` with dropping the table, or `undistributeTable`.
 *
 * ```ts
 * export async function up(db: Kysely<any>) {
 *   await db.schema.createTable('events').addColumn('tenant_id', 'bigint', (c) => c.notNull()) … .execute();
 *   await distributeTable(db, 'events', 'tenant_id');
 * }
 * ```
 */
export async function distributeTable(db: Kysely<any>, table: string, column: string, options: DistributeOptions = {}): Promise<void> {
  const args = [sql`${table}::regclass`, sql`${column}::text`];
  if (options.colocateWith !== undefined) args.push(sql`colocate_with => ${options.colocateWith}::text`);
  if (options.shardCount !== undefined) args.push(sql`shard_count => ${Math.trunc(options.shardCount)}::int`);
  await sql`select create_distributed_table(${sql.join(args)})`.execute(db);
}

/** Makes `table` a reference table: a full copy on every node (Citus `create_reference_table`). */
export async function createReferenceTable(db: Kysely<any>, table: string): Promise<void> {
  await sql`select create_reference_table(${table}::regclass)`.execute(db);
}

/** Turns a distributed or reference table back into a local table on the coordinator (Citus `undistribute_table`). */
export async function undistributeTable(db: Kysely<any>, table: string): Promise<void> {
  await sql`select undistribute_table(${table}::regclass)`.execute(db);
}

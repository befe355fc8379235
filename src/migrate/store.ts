import os from 'node:os';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ResolvedConfig } from '../config/resolve.js';
import { VERSION } from '../version.js';

/** The row Kysely's Migrator keeps, and dbctl's facts about it (absent for an adopted database). */
export interface AppliedMigration {
  name: string;
  /** Kysely's `timestamp` column (ISO text). */
  timestamp: string;
  checksum: string | null;
  appliedAt: Date | null;
  durationMs: number | null;
  batch: number | null;
  appliedBy: string | null;
  dbctlVersion: string | null;
}

export interface StoreNames {
  schema: string;
  table: string;
  lockTable: string;
  historyTable: string;
}

export const KYSELY_LOCK_ROW_ID = 'migration_lock';

export function storeNames(config: ResolvedConfig): StoreNames {
  const { schema, table, lockTable, historyTable } = config.migrations;
  return { schema, table, lockTable, historyTable };
}

/**
 * Bookkeeping in Kysely's own tables, so a database migrated by Kysely's Migrator or kysely-ctl is
 * adopted as it is (and they can read ours), plus dbctl's history table. Every query names the
 * schema, so a migration that changes `search_path` cannot misdirect them.
 */
export class MigrationStore {
  constructor(readonly names: StoreNames) {}

  #t(table: string) {
    return sql`${sql.id(this.names.schema, table)}`;
  }

  async exists(db: Kysely<any>): Promise<boolean> {
    const { rows } = await sql<{ ok: boolean }>`select to_regclass(${`"${this.names.schema}"."${this.names.table}"`}) is not null as ok`.execute(db);
    return rows[0].ok;
  }

  /** Creates the tables if needed (run under the run lock: concurrent CREATE IF NOT EXISTS can collide). */
  async ensure(db: Kysely<any>): Promise<void> {
    const { schema, table, lockTable, historyTable } = this.names;
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    await sql`create table if not exists ${this.#t(table)} (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(db);
    await sql`create table if not exists ${this.#t(lockTable)} (id varchar(255) not null primary key, is_locked integer not null default 0)`.execute(db);
    await sql`insert into ${this.#t(lockTable)} (id, is_locked) values (${KYSELY_LOCK_ROW_ID}, 0) on conflict (id) do nothing`.execute(db);
    await sql`create table if not exists ${this.#t(historyTable)} (
      name varchar(255) not null primary key,
      checksum text,
      applied_at timestamptz not null default now(),
      duration_ms integer,
      batch integer,
      applied_by text,
      dbctl_version text
    )`.execute(db);
  }

  /** Applied migrations in name order; empty when the tables do not exist yet. */
  async applied(db: Kysely<any>): Promise<AppliedMigration[]> {
    if (!(await this.exists(db))) return [];
    const history = await this.#historyExists(db);
    const { rows } = history
      ? await sql<any>`select m.name, m.timestamp, h.checksum, h.applied_at, h.duration_ms, h.batch, h.applied_by, h.dbctl_version
          from ${this.#t(this.names.table)} m left join ${this.#t(this.names.historyTable)} h on h.name = m.name
          order by m.name`.execute(db)
      : await sql<any>`select name, timestamp from ${this.#t(this.names.table)} order by name`.execute(db);
    return rows
      .map((r: any) => ({
        name: r.name,
        timestamp: r.timestamp,
        checksum: r.checksum ?? null,
        appliedAt: r.applied_at ? new Date(r.applied_at) : r.timestamp ? new Date(r.timestamp) : null,
        durationMs: r.duration_ms ?? null,
        batch: r.batch ?? null,
        appliedBy: r.applied_by ?? null,
        dbctlVersion: r.dbctl_version ?? null,
      }))
      .sort((a: AppliedMigration, b: AppliedMigration) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async #historyExists(db: Kysely<any>): Promise<boolean> {
    const { rows } = await sql<{ ok: boolean }>`select to_regclass(${`"${this.names.schema}"."${this.names.historyTable}"`}) is not null as ok`.execute(db);
    return rows[0].ok;
  }

  async nextBatch(db: Kysely<any>): Promise<number> {
    const { rows } = await sql<{ b: number | null }>`select max(batch) as b from ${this.#t(this.names.historyTable)}`.execute(db);
    return (rows[0].b ?? 0) + 1;
  }

  /** Both rows in one statement (a data-modifying CTE): one round trip per applied migration. */
  async record(db: Kysely<any>, entry: { name: string; checksum: string; durationMs: number; batch: number }): Promise<void> {
    const kysely = sql`insert into ${this.#t(this.names.table)} (name, timestamp) values (${entry.name}, ${new Date().toISOString()})`;
    await this.#history(db, entry, appliedBy(), kysely);
  }

  /** History for a migration another tool applied: its checksum from now on guards against drift. */
  async adopt(db: Kysely<any>, entry: { name: string; checksum: string }): Promise<void> {
    await this.#history(db, { ...entry, durationMs: null, batch: null }, 'adopted');
  }

  async #history(db: Kysely<any>, e: { name: string; checksum: string; durationMs: number | null; batch: number | null }, by: string, alsoRun?: RawBuilder<unknown>) {
    await sql`${alsoRun ? sql`with applied as (${alsoRun}) ` : sql``}insert into ${this.#t(this.names.historyTable)} (name, checksum, duration_ms, batch, applied_by, dbctl_version)
      values (${e.name}, ${e.checksum}, ${e.durationMs}, ${e.batch}, ${by}, ${VERSION})
      on conflict (name) do update set checksum = excluded.checksum, applied_at = now(), duration_ms = excluded.duration_ms,
        batch = excluded.batch, applied_by = excluded.applied_by, dbctl_version = excluded.dbctl_version`.execute(db);
  }

  async remove(db: Kysely<any>, name: string): Promise<void> {
    await sql`delete from ${this.#t(this.names.table)} where name = ${name}`.execute(db);
    await sql`delete from ${this.#t(this.names.historyTable)} where name = ${name}`.execute(db);
  }
}

export function appliedBy(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry in some containers */
  }
  return `${user}@${os.hostname()}`;
}

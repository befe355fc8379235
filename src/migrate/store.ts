import os from 'node:os';
import { DEFAULT_BOOKKEEPING, type BookkeepingNames } from '../catalog/bookkeeping.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { SqlClient } from '../driver/database.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { hasSqlstate } from '../sql/sqlstate.js';
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

/** The bookkeeping tables' names (catalog/bookkeeping.ts holds the defaults, once). */
export type StoreNames = BookkeepingNames;

export const KYSELY_LOCK_ROW_ID = 'migration_lock';

/** Kysely's own table names, in `public`, plus dbctl's history table. */
export const DEFAULT_STORE_NAMES: Readonly<StoreNames> = DEFAULT_BOOKKEEPING;

export function storeNames(config: ResolvedConfig): StoreNames {
  const { schema, table, lockTable, historyTable } = config.migrations;
  return { schema, table, lockTable, historyTable };
}

/**
 * The migration's duration as the server measures it, for bookkeeping sent in the same message as
 * the migration: the time since the message arrived (`statement_timestamp()` is the same for every
 * statement of one simple-protocol message).
 */
export const SERVER_DURATION_MS = `round(extract(epoch from clock_timestamp() - statement_timestamp()) * 1000)::int`;

/**
 * Several migrations in one message (`--single-transaction`, deferred-ddl.ts `pump`): each one's
 * server time runs from the previous one's MARK (or the message's start), and MARK follows its
 * bookkeeping. The mark is transaction-local.
 */
const SINCE_MARK_MS = `round(extract(epoch from clock_timestamp() - greatest(statement_timestamp(), coalesce(nullif(current_setting('dbctl.mark', true), '')::timestamptz, statement_timestamp()))) * 1000)::int`;
export const MARK = `select set_config('dbctl.mark', clock_timestamp()::text, true)`;

/**
 * A migration's duration: measured by dbctl (ms), by the server (its message so far), or both
 * (`plusServer`: the client-side part, then the server's for deferred statements sent with the
 * bookkeeping; `sinceMark`: the server's since the previous migration's MARK in the same message).
 */
export type Duration = number | typeof SERVER_DURATION_MS | { plusServer: number; sinceMark?: boolean };

/**
 * Bookkeeping in Kysely's own tables, so a database migrated by Kysely's Migrator or kysely-ctl is
 * adopted as it is (and they can read ours), plus dbctl's history table. Every query names the
 * schema, so a migration that changes `search_path` cannot misdirect them. Plain SQL rather than
 * Kysely: `status` and a no-op `up` then never load Kysely at all.
 */
export class MigrationStore {
  constructor(readonly names: StoreNames) {}

  #t(table: string): string {
    return `${quoteIdent(this.names.schema)}.${quoteIdent(table)}`;
  }

  /** Creates the tables if needed (run under the run lock: concurrent CREATE IF NOT EXISTS can collide). One round trip. */
  async ensure(db: SqlClient): Promise<void> {
    await db.query(this.ensureScript());
  }

  /** The bookkeeping tables, created when missing: a script (review artifacts start with it). */
  ensureScript(): string {
    const { schema, table, lockTable, historyTable } = this.names;
    return `create schema if not exists ${quoteIdent(schema)};
      create table if not exists ${this.#t(table)} (name varchar(255) not null primary key, timestamp varchar(255) not null);
      create table if not exists ${this.#t(lockTable)} (id varchar(255) not null primary key, is_locked integer not null default 0);
      insert into ${this.#t(lockTable)} (id, is_locked) values (${quoteLiteral(KYSELY_LOCK_ROW_ID)}, 0) on conflict (id) do nothing;
      create table if not exists ${this.#t(historyTable)} (
        name varchar(255) not null primary key,
        checksum text,
        applied_at timestamptz not null default now(),
        duration_ms integer,
        batch integer,
        applied_by text,
        dbctl_version text,
        repaired_at timestamptz,
        repaired_by text
      )`;
  }

  /** Applied migrations in name order; empty when the tables do not exist yet. One round trip. */
  async applied(db: SqlClient): Promise<AppliedMigration[]> {
    const { rows: found } = await db.query<{ m: boolean; h: boolean }>(
      'select to_regclass($1) is not null as m, to_regclass($2) is not null as h',
      [this.#t(this.names.table), this.#t(this.names.historyTable)],
    );
    if (!found[0].m) return [];
    const { rows } = found[0].h
      ? await db.query(`select m.name, m.timestamp, h.checksum, h.applied_at, h.duration_ms, h.batch, h.applied_by, h.dbctl_version
          from ${this.#t(this.names.table)} m left join ${this.#t(this.names.historyTable)} h on h.name = m.name`)
      : await db.query(`select name, timestamp from ${this.#t(this.names.table)}`);
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
      // Code-point order, as the files are sorted (a database collation may order differently).
      .sort((a: AppliedMigration, b: AppliedMigration) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async nextBatch(db: SqlClient): Promise<number> {
    const { rows } = await db.query<{ b: number | null }>(`select max(batch) as b from ${this.#t(this.names.historyTable)}`);
    return (rows[0].b ?? 0) + 1;
  }

  /**
   * Both rows as one statement with the values written in (a data-modifying CTE, no parameters),
   * so the migrator can send it in the same round trip as the COMMIT.
   */
  recordScript(entry: { name: string; checksum: string; durationMs: Duration; batch: number }): string {
    const kysely = `insert into ${this.#t(this.names.table)} (name, timestamp) values (${quoteLiteral(entry.name)}, ${quoteLiteral(new Date().toISOString())})`;
    return `with applied as (${kysely}) ${this.#historyInsert(entry, appliedBy())}`;
  }

  /**
   * A squash baseline recognised on a database that has every migration it stands for: Kysely's
   * rows of those migrations give way to the baseline's (dbctl's history keeps theirs), and the
   * baseline's history says what it stands for. Nothing of the baseline runs.
   */
  squashScript(entry: { name: string; checksum: string; stands: string[] }): string {
    const names = entry.stands.map(quoteLiteral).join(', ');
    const by = `squash: stands for ${entry.stands.length} applied migration(s), ${entry.stands[0]} … ${entry.stands[entry.stands.length - 1]}`;
    return [
      `delete from ${this.#t(this.names.table)} where name in (${names})`,
      `insert into ${this.#t(this.names.table)} (name, timestamp) values (${quoteLiteral(entry.name)}, ${quoteLiteral(new Date().toISOString())})`,
      this.#historyInsert({ name: entry.name, checksum: entry.checksum, durationMs: 0, batch: null }, by),
    ].join(';\n');
  }

  /** History for a migration another tool applied: its checksum from now on guards against drift. */
  adoptScript(entry: { name: string; checksum: string }): string {
    return this.#historyInsert({ ...entry, durationMs: null, batch: null }, 'adopted');
  }

  /** A migration another tool (dbmate, node-pg-migrate) applied: recorded as applied when it was, with its checksum from now on. */
  adoptPeerScript(entry: { name: string; checksum: string; appliedAt: Date | null; tool: string }): string {
    const timestamp = quoteLiteral((entry.appliedAt ?? new Date()).toISOString());
    const kysely = `insert into ${this.#t(this.names.table)} (name, timestamp) values (${quoteLiteral(entry.name)}, ${timestamp}) on conflict (name) do nothing`;
    return `with applied as (${kysely}) ${this.#historyInsert({ ...entry, durationMs: null, batch: null }, `adopted from ${entry.tool}`)}`;
  }

  #historyInsert(e: { name: string; checksum: string; durationMs: Duration | null; batch: number | null }, by: string): string {
    const duration = e.durationMs === SERVER_DURATION_MS ? SERVER_DURATION_MS
      : typeof e.durationMs === 'object' && e.durationMs ? `${sqlNumber(e.durationMs.plusServer)} + ${e.durationMs.sinceMark ? SINCE_MARK_MS : SERVER_DURATION_MS}` : sqlNumber(e.durationMs as number | null);
    const values = [quoteLiteral(e.name), quoteLiteral(e.checksum), duration, sqlNumber(e.batch), quoteLiteral(by), quoteLiteral(VERSION)];
    return `insert into ${this.#t(this.names.historyTable)} (name, checksum, duration_ms, batch, applied_by, dbctl_version)
      values (${values.join(', ')})
      on conflict (name) do update set checksum = excluded.checksum, applied_at = now(), duration_ms = excluded.duration_ms,
        batch = excluded.batch, applied_by = excluded.applied_by, dbctl_version = excluded.dbctl_version`;
  }

  /**
   * Accepts the current checksums of reviewed, changed migrations (`migrate repair`), noting who and
   * when. A history table made before repair existed gets the two columns first (nullable: old rows
   * and other dbctl versions are unaffected). One script: one implicit transaction.
   */
  repairScript(entries: Array<{ name: string; checksum: string }>): string {
    const history = this.#t(this.names.historyTable);
    return [
      `alter table ${history} add column if not exists repaired_at timestamptz, add column if not exists repaired_by text`,
      ...entries.map((e) => `update ${history} set checksum = ${quoteLiteral(e.checksum)}, repaired_at = now(), repaired_by = ${quoteLiteral(appliedBy())} where name = ${quoteLiteral(e.name)}`),
    ].join(';\n');
  }

  /**
   * The bookkeeping table a failed write did not find (`"schema.table"`), or undefined: a migration
   * that drops the schema holding it (DROP SCHEMA public CASCADE) leaves dbctl nothing to record in.
   */
  droppedTable(error: unknown): string | undefined {
    const e = error as { code?: string; message?: string };
    if (!hasSqlstate(e, 'undefined_table') && !hasSqlstate(e, 'invalid_schema_name')) return undefined;
    const { schema, table, historyTable } = this.names;
    return [table, historyTable].map((t) => `${schema}.${t}`).find((name) => e.message?.includes(`"${name}"`) || e.message === `schema "${schema}" does not exist`);
  }

  /** The durations recorded for a batch's migrations (`--single-transaction` reads them back before its COMMIT). */
  durationsQuery(batch: number): string {
    return `select name, duration_ms from ${this.#t(this.names.historyTable)} where batch = ${sqlNumber(batch)}`;
  }

  removeScript(name: string): string {
    return `delete from ${this.#t(this.names.table)} where name = ${quoteLiteral(name)};
      delete from ${this.#t(this.names.historyTable)} where name = ${quoteLiteral(name)}`;
  }
}

function sqlNumber(n: number | null): string {
  return n === null ? 'null' : String(Math.trunc(n));
}

/** Who applies: asked once per process (os.userInfo reads the passwd database on every call). */
let actor: string | undefined;

export function appliedBy(): string {
  return (actor ??= whoAmI());
}

function whoAmI(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry in some containers */
  }
  return `${user}@${os.hostname()}`;
}

import type pg from 'pg';
import type { TableRef } from '../catalog/tables.js';
import { connectServerClient, severSession } from '../driver/pg/client.js';
import { connectionLostError, isConnectionLost } from '../driver/connection-lost.js';
import { OperationError } from '../errors.js';
import { parseStatements } from '../sql/statements.js';
import { loadDataScript, ScriptStatementError, TruncatedScriptError, type LoadedDigest, type ScriptTable } from './data-script.js';
import { startTool, toolFailure, type Tool } from './tools.js';

export interface DataSectionOptions {
  tool: Tool;
  file: string;
  /** The new database the restore builds (its tables made by the pre-data section, empty). */
  url: string;
  signal?: AbortSignal;
  /** Told of each table as its rows start loading (the table before it is committed by then). */
  onTable?: (table: TableRef) => void;
  /**
   * Told of each table once its rows are committed: with the digest of the rows it was sent and
   * the count the server stored, for the tables whose rows as sent are the rows the server prints
   * back (loadableTables), unless `readBack`.
   */
  onLoaded?: (table: TableRef, digest: LoadedDigest | undefined) => void;
  /** Hash no table as it loads (the verification reads every table back). */
  readBack?: boolean;
}

/**
 * A fresh restore's data section, loaded by dbctl: pg_restore prints it (`-f -`, no session of its
 * own) and data-script.ts loads it, each plain table emptied and loaded with COPY FREEZE in one
 * transaction, so no reader after it rewrites the table's pages to set hint bits. Only for a
 * database made for this restore: TRUNCATE empties what is there.
 *
 * A failure stops pg_restore and names the table that was loading; a lost session is exit 3.
 */
export async function restoreDataSection(options: DataSectionOptions): Promise<void> {
  const { tool, file, signal } = options;
  const args = ['--section=data', '--file', '-', file];
  const child = startTool(tool, args, {}, { signal });
  // The parser (a WASM module) loads while pg_restore starts: the first COPY line needs it.
  void parseStatements('select').catch(() => {});
  let client: pg.Client;
  try {
    client = await connectServerClient(options.url, 'dbctl restore');
  } catch (error) {
    child.stop();
    await child.exited.catch(() => {});
    throw error;
  }
  // An interrupted restore's database is removed: its session is dropped at once, not wound down.
  const sever = () => severSession(client);
  signal?.addEventListener('abort', sever, { once: true });
  try {
    // A dbctl killed outright (kill -9) cannot end its COPY: the backend notices the socket is gone
    // within a second (PostgreSQL 14+), instead of when its statement next reads from it.
    await client.query(`select pg_catalog.set_config('client_connection_check_interval', '1000', false) where pg_catalog.current_setting('server_version_num')::int >= 140000`);
    const loadable = await loadableTables(client);
    const hashing = options.onLoaded !== undefined && !options.readBack;
    await loadDataScript(client, child.stdout, {
      freezable: (table) => loadable.has(key(table)),
      onTable: (table) => options.onTable?.({ schema: table.schema, table: table.name }),
      hashed: (table) => hashing && loadable.get(key(table))?.columns === table.columns.join('\0'),
      onLoaded: (table, digest) => options.onLoaded?.({ schema: table.schema, table: table.name }, digest),
    });
  } catch (error) {
    child.stop();
    const exit = await child.exited.catch(() => undefined);
    if (signal?.aborted) throw signal.reason;
    // pg_restore stopped printing: its own error says why.
    if (error instanceof TruncatedScriptError && exit && exit.code !== 0) throw toolFailure(tool, args, exit, 'pg_restore');
    throw loadFailure(error);
  } finally {
    signal?.removeEventListener('abort', sever);
    await client.end().catch(() => {});
  }
  const exit = await child.exited;
  if (exit.code !== 0) throw toolFailure(tool, args, exit, 'pg_restore');
}

/**
 * The tables dbctl may load frozen, by key: plain tables no extension owns (the pre-data section
 * made them, so they are empty; an extension's config table may not be). For each, `columns` (in
 * order, what the COPY must list) when its rows as a COPY sends them are the rows the server prints
 * back, so hashing them on their way in (CopyDigest) gives the digest a read-back would. Not: a
 * table with a generated column (the COPY leaves it out), an inheritance parent (its digest
 * includes its children's rows), one with a money column (read and printed in lc_monetary,
 * which the restored database may not share), or one with no columns (its rows are empty lines).
 */
async function loadableTables(client: pg.Client): Promise<Map<string, { columns?: string }>> {
  const { rows } = await client.query<{ schema: string; name: string; hashable: boolean; columns: string[] }>(`
    select n.nspname as schema, c.relname as name,
      not exists (select 1 from pg_catalog.pg_inherits i where i.inhparent = c.oid)
        and c.relnatts > 0
        and not exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
          and (a.attgenerated <> '' or pg_catalog.format_type(a.atttypid, null) in ('money', 'money[]')
            or exists (select 1 from pg_catalog.pg_type d where d.oid = a.atttypid and d.typtype = 'd' and d.typbasetype = 'money'::regtype))) as hashable,
      array(select a.attname::text from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum) as columns
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'
      and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`);
  return new Map(rows.map((r) => [key(r), { columns: r.hashable ? r.columns.join('\0') : undefined }]));
}

function key(table: Pick<ScriptTable, 'schema' | 'name'>): string {
  return `${table.schema}\0${table.name}`;
}

function loadFailure(error: unknown): unknown {
  if (!(error instanceof ScriptStatementError)) return error;
  const { cause, table } = error;
  const where = table ? ` loading ${table.schema}.${table.name}` : '';
  if (isConnectionLost(cause)) return connectionLostError(`restore${where}`, cause, 'each table loads in a transaction of its own: the ones loaded before stay in the database being built');
  const sqlstate = (cause as { code?: unknown }).code;
  return new OperationError(`restore failed${where}: ${(cause as Error).message}`, { cause, data: typeof sqlstate === 'string' ? { sqlstate } : {} }, 'restore_failed');
}

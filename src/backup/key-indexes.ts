import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { Database } from '../driver/database.js';
import { connectServerClient, severSession } from '../driver/pg/client.js';
import { connectionLostError, isConnectionLost } from '../driver/connection-lost.js';
import { OperationError } from '../errors.js';
import { parseStatements } from '../sql/statements.js';
import { quoteIdent } from '../sql/quote.js';
import { isPgDumpRestrict } from './meta-commands.js';
import { runToolOrFail, type Tool } from './tools.js';

/**
 * A fresh restore's primary keys and unique constraints, built as what they are underneath:
 * `ADD CONSTRAINT … PRIMARY KEY (id)` takes ACCESS EXCLUSIVE on its table for the whole index
 * build, so the verification could not read that table until it was done (and waited for it,
 * keys first, with one core idle). `CREATE UNIQUE INDEX` builds the same index under a SHARE lock,
 * which readers pass; once the verification has read the tables, `ADD CONSTRAINT … USING INDEX`
 * makes each index its constraint, a catalog change. A foreign key needs only the unique index,
 * so the index builds and foreign keys run beside the verification as before.
 *
 * Only the plain case is taken: a PRIMARY KEY or UNIQUE constraint on a plain table that is no
 * partition (a partition's key index is attached to its parent's constraint index), with columns
 * and INCLUDE columns only (no storage options, tablespace, deferrability), as one statement in its
 * dump entry (a REPLICA IDENTITY or CLUSTER ON beside it needs the constraint). Everything else
 * stays in `first` and runs as before.
 */
export interface KeyPlan {
  /** The `first` post-data list without the keys built here and without its comments. */
  first: string;
  /** `CREATE UNIQUE INDEX`, one per key: run before the index builds of the `then` list. */
  builds: KeyStatement[];
  /** `ADD CONSTRAINT … USING INDEX`, one per key: run when nothing reads the tables any more. */
  attach: KeyStatement[];
  /** The comments and security labels of `first` (a comment on a key needs its constraint): restored last. */
  last: string;
}

export interface KeyStatement {
  /** `schema.table.constraint`, for an error. */
  name: string;
  sql: string;
}

/**
 * Splits the `first` list (src/backup/toc.ts). `plainTables` are the tables (by tableKey) that are
 * plain and not partitions; `dir` is where the list for reading the keys' SQL is written.
 */
export async function planKeyIndexes(tool: Tool, file: string, first: string, plainTables: Set<string>, dir: string): Promise<KeyPlan> {
  const lines = first.split('\n').filter(Boolean);
  const entry = (line: string) => /^\d+; \d+ \d+ (.*)$/.exec(line)?.[1] ?? '';
  const constraints = lines.filter((line) => entry(line).startsWith('CONSTRAINT '));
  const keys = constraints.length ? await rewritableKeys(tool, file, constraints, dir) : [];
  const taken = new Map<string, RewritableKey>();
  for (const line of constraints) {
    const key = keys.find((k) => plainTables.has(`${k.schema}\0${k.table}`) && entry(line).startsWith(`CONSTRAINT ${k.schema} ${k.table} ${k.name} `));
    if (key && !/ /.test(entry(line).slice(`CONSTRAINT ${key.schema} ${key.table} ${key.name} `.length))) taken.set(line, key);
  }
  if (!taken.size) return { first, builds: [], attach: [], last: '' };
  const later = (line: string) => /^(COMMENT|SECURITY LABEL) /.test(entry(line));
  const list = (picked: string[]) => (picked.length ? `${picked.join('\n')}\n` : '');
  const keysTaken = [...taken.values()];
  return {
    first: list(lines.filter((line) => !taken.has(line) && !later(line))),
    builds: keysTaken.map((k) => ({ name: k.label, sql: k.build })),
    attach: keysTaken.map((k) => ({ name: k.label, sql: k.attach })),
    last: list(lines.filter(later)),
  };
}

interface RewritableKey {
  schema: string;
  table: string;
  name: string;
  label: string;
  build: string;
  attach: string;
}

/** The constraint entries' SQL, as pg_restore prints it, and which of them can be built as a unique index. */
async function rewritableKeys(tool: Tool, file: string, entries: string[], dir: string): Promise<RewritableKey[]> {
  const listFile = path.join(dir, 'keys.list');
  fs.writeFileSync(listFile, `${entries.join('\n')}\n`);
  const { stdout } = await runToolOrFail(tool, ['--file', '-', '--use-list', listFile, file], {}, 'pg_restore');
  const script = stdout.split('\n').filter((line) => !isPgDumpRestrict(line)).join('\n');
  const statements = await parseStatements(script);
  // An index's tablespace may come from the session instead of the statement: then none is taken.
  if (statements.some((s) => s.kind === 'VariableSetStmt' && s.node.name === 'default_tablespace' && s.node.args?.some((a: any) => a.A_Const?.sval?.sval))) return [];
  const out: RewritableKey[] = [];
  const others = new Set<string>();
  for (const { kind, node } of statements) {
    if (kind !== 'AlterTableStmt') continue;
    const { schemaname: schema, relname: table } = node.relation ?? {};
    const cmd = node.cmds?.length === 1 ? node.cmds[0].AlterTableCmd : undefined;
    const c = cmd?.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
    const plain = c && (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') && Object.keys(c).every((field) => PLAIN_FIELDS.has(field)) && c.conname && c.keys?.length;
    if (!plain || !schema || !table) {
      // A constraint of another kind is left as it is; any other statement may need the table's keys.
      if (!c) others.add(`${schema}\0${table}`);
      continue;
    }
    const names = (list: any[] | undefined) => (list ?? []).map((k: any) => quoteIdent(k.String.sval)).join(', ');
    const relation = `${quoteIdent(schema)}.${quoteIdent(table)}`;
    const kindSql = c.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
    out.push({
      schema,
      table,
      name: c.conname,
      label: `${schema}.${table}.${c.conname}`,
      build: `CREATE UNIQUE INDEX ${quoteIdent(c.conname)} ON ${relation} USING btree (${names(c.keys)})${c.including?.length ? ` INCLUDE (${names(c.including)})` : ''}${c.nulls_not_distinct ? ' NULLS NOT DISTINCT' : ''}`,
      attach: `ALTER TABLE ONLY ${relation} ADD CONSTRAINT ${quoteIdent(c.conname)} ${kindSql} USING INDEX ${quoteIdent(c.conname)}`,
    });
  }
  // A table with any other statement among its keys' entries (REPLICA IDENTITY, CLUSTER ON) keeps them all.
  return out.filter((k) => !others.has(`${k.schema}\0${k.table}`));
}

/** The Constraint fields of a key that is columns (and INCLUDE columns) only. */
const PLAIN_FIELDS = new Set(['contype', 'conname', 'keys', 'including', 'nulls_not_distinct', 'location']);

/** Plain tables that are no partition (by `schema\0table`): the only ones whose keys are built as unique indexes. */
export async function plainTables(database: Pick<Database, 'query'>): Promise<Set<string>> {
  const { rows } = await database.query<{ schema: string; table: string }>(`
    select n.nspname as schema, c.relname as table from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and not c.relispartition`);
  return new Set(rows.map((t) => `${t.schema}\0${t.table}`));
}

/** Runs the statements one by one on a session of their own; a failure names its key. */
export async function runKeyStatements(url: string, statements: KeyStatement[], signal?: AbortSignal): Promise<void> {
  if (!statements.length) return;
  const client: pg.Client = await connectServerClient(url, 'dbctl restore');
  const sever = () => severSession(client);
  signal?.addEventListener('abort', sever, { once: true });
  try {
    for (const statement of statements) {
      signal?.throwIfAborted();
      try {
        await client.query(statement.sql);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (isConnectionLost(error)) throw connectionLostError(`restore building ${statement.name}`, error, 'the database being built is removed');
        const sqlstate = (error as { code?: unknown }).code;
        throw new OperationError(`restore failed building ${statement.name}: ${(error as Error).message}`, { cause: error, data: typeof sqlstate === 'string' ? { sqlstate } : {} }, 'restore_failed');
      }
    }
  } finally {
    signal?.removeEventListener('abort', sever);
    await client.end().catch(() => {});
  }
}

import { codeOutsideQuotes } from '../sql/split.js';
import type { Statement } from '../sql/statements.js';

/** A statement a transactional section must not hold, found before anything runs. */
export interface Violation {
  statement: Statement;
  message: string;
  /** What to do instead; `transaction:false` applies to a section, so the caller names the marker. */
  fix: 'transaction:false' | 'savepoint';
}

/**
 * Statements Postgres refuses inside a transaction block (its PreventInTransactionBlock calls), as
 * the parser shows them. `ALTER TYPE … ADD VALUE` is not here: Postgres 12+ runs it in a transaction.
 * DROP/ALTER SUBSCRIPTION are not either: whether they need it depends on the slot, not the text.
 */
export const OUTSIDE_TRANSACTION: Record<string, (node: Record<string, any>) => string | undefined> = {
  VacuumStmt: (n) => (n.is_vacuumcmd ? 'VACUUM' : undefined),
  ClusterStmt: (n) => (n.relation ? undefined : 'CLUSTER without a table'),
  CreatedbStmt: () => 'CREATE DATABASE',
  DropdbStmt: () => 'DROP DATABASE',
  AlterDatabaseStmt: (n) => (defElems(n.options).some((d) => d.defname === 'tablespace') ? 'ALTER DATABASE … SET TABLESPACE' : undefined),
  CreateTableSpaceStmt: () => 'CREATE TABLESPACE',
  DropTableSpaceStmt: () => 'DROP TABLESPACE',
  AlterSystemStmt: () => 'ALTER SYSTEM',
  IndexStmt: (n) => (n.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined),
  DropStmt: (n) => (n.concurrent ? 'DROP INDEX CONCURRENTLY' : undefined),
  ReindexStmt: (n) =>
    defElems(n.params).some((d) => d.defname === 'concurrently' && optionIsOn(d.arg))
      ? 'REINDEX … CONCURRENTLY'
      : n.kind === 'REINDEX_OBJECT_SYSTEM' || n.kind === 'REINDEX_OBJECT_DATABASE'
        ? `REINDEX ${n.kind === 'REINDEX_OBJECT_SYSTEM' ? 'SYSTEM' : 'DATABASE'}`
        : undefined,
  AlterTableStmt: (n) =>
    (n.cmds ?? []).some((c: any) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd.def?.PartitionCmd?.concurrent)
      ? 'DETACH PARTITION … CONCURRENTLY'
      : undefined,
  CreateSubscriptionStmt: (n) =>
    defElems(n.options).some((d) => (d.defname === 'create_slot' || d.defname === 'connect') && !optionIsOn(d.arg)) ? undefined : 'CREATE SUBSCRIPTION (it creates a replication slot)',
  DiscardStmt: (n) => (n.target === 'DISCARD_ALL' ? 'DISCARD ALL' : undefined),
};

/**
 * The first statement that cannot run in the transaction dbctl wraps a section in: transaction
 * control (BEGIN, COMMIT, END, ROLLBACK, … would end or nest it — a COMMIT would make what follows
 * run and stay outside it), a RELEASE / ROLLBACK TO of a savepoint the section did not set, or a
 * statement Postgres refuses in a transaction block.
 */
export function transactionalViolation(statements: Statement[]): Violation | undefined {
  return transactionalViolations(statements)[0];
}

/** Every such statement (migrate lint reports them all; migrate up stops at the first). */
export function transactionalViolations(statements: Statement[]): Violation[] {
  const found: Violation[] = [];
  const savepoints = new Set<string>();
  for (const statement of statements) {
    const { kind, node } = statement;
    if (kind === 'TransactionStmt') {
      const name: string | undefined = node.savepoint_name;
      if (node.kind === 'TRANS_STMT_SAVEPOINT') {
        savepoints.add(name!);
        continue;
      }
      if (node.kind === 'TRANS_STMT_RELEASE' || node.kind === 'TRANS_STMT_ROLLBACK_TO') {
        if (savepoints.has(name!)) {
          if (node.kind === 'TRANS_STMT_RELEASE') savepoints.delete(name!);
          continue;
        }
        found.push({ statement, message: `${keyword(statement.sql)} ${name} names no savepoint set earlier in this section`, fix: 'savepoint' });
        continue;
      }
      found.push({
        statement,
        message: `${keyword(statement.sql)} inside a transactional section: dbctl runs the section in its own transaction, which this would end or nest`,
        fix: 'transaction:false',
      });
      continue;
    }
    const what = OUTSIDE_TRANSACTION[kind]?.(node);
    if (what) found.push({ statement, message: `${what} cannot run inside a transaction block`, fix: 'transaction:false' });
  }
  return found;
}

/** The statement's leading keywords as written (`END`, `START TRANSACTION`, `ROLLBACK TO SAVEPOINT`). */
function keyword(sql: string): string {
  const words = sql.split(/\s+/, 3).map((w) => w.replace(/;$/, '').toUpperCase());
  const take = words[1] === 'TRANSACTION' || words[1] === 'PREPARED' || words[1] === 'WORK' ? 2 : words[1] === 'TO' ? (words[2] === 'SAVEPOINT' ? 3 : 2) : 1;
  return words.slice(0, take).join(' ');
}

function defElems(list: unknown): Array<{ defname?: string; arg?: any }> {
  return Array.isArray(list) ? list.map((d) => d?.DefElem ?? {}) : [];
}

/** A boolean option as Postgres reads it: no value is on; false, off, no and 0 are off. */
function optionIsOn(arg: any): boolean {
  if (arg === undefined) return true;
  const v = arg.Integer ? (arg.Integer.ival ?? 0) : arg.Boolean ? !!arg.Boolean.boolval : (arg.String?.sval ?? arg.TypeName?.names?.[0]?.String?.sval);
  return ![false, 0, 'false', 'off', 'no', '0'].includes(typeof v === 'string' ? v.toLowerCase() : v);
}

/**
 * Every statement transactionalViolation flags, and every psql meta-command, has one of these words
 * (or a backslash) outside quotes and comments. A section with none of them is known clean without
 * Postgres's parser, whose loading costs ~100 ms: a lexical scan takes microseconds. The test is
 * conservative (`end` of a CASE, a column named `database` send the section to the parser too).
 */
const FLAGGED = /\b(?:begin|start|commit|end|rollback|abort|savepoint|release|prepare|vacuum|cluster|database|tablespace|system|concurrently|reindex|subscription|discard)\b/i;

export function mayHoldViolation(sql: string): boolean {
  const code = codeOutsideQuotes(sql);
  return code.includes('\\') || FLAGGED.test(code);
}

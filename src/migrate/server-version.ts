/**
 * What the production server's Postgres would refuse in SQL the embedded engine accepts. PGlite is
 * Postgres 18; a production server may be older (`postgres.version` in the config). A migration
 * that uses a `virtual` generated column or `uuidv7()` applies on embedded and fails in production,
 * so on the embedded database `migrate up` and `migrate lint` ask this module first.
 *
 * Two checks, because an older server refuses in two ways:
 * - syntax it lacks: the text is parsed with that major's own parser (libpg-query publishes one
 *   per major; the older ones are installed as `libpg-query-15/16/17` and loaded only when asked);
 * - things that parse everywhere but exist only from some major on (functions, COPY options,
 *   OLD/NEW in RETURNING): found in Postgres 18's parse tree and named with the major that added
 *   them. 18's tree also names syntax better than a parser's "syntax error at or near …".
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../driver/database.js';
import { locate } from '../sql/sql-error.js';
import { ConfigError, UsageError } from '../errors.js';
import type { MigrationFile } from './files.js';
import { parseSqlMigration } from './sql-file.js';
import { isBlank } from '../sql/statements.js';

/** The embedded engine's major (PGlite 0.5). doctor reads the real one from the open database. */
export const EMBEDDED_MAJOR = 18;
/** The oldest major checked: 14 is parsed with 15's parser (the oldest one installed) plus the tree rules for 15. */
export const OLDEST_MAJOR = 14;

export interface VersionProblem {
  /** Where, as a JS string offset into the text given. */
  offset: number;
  /** The first major that accepts it; undefined for a syntax error from the older parser. */
  since?: number;
  /** One line: `uuidv7() needs PostgreSQL 18` or `PostgreSQL 15 cannot parse this: syntax error at or near "virtual"`. */
  message: string;
}

export interface VersionCheckOptions {
  /**
   * Functions the project defines itself (a `uuidv7()` polyfill for an older server): a call to
   * one of these is not flagged. The functions the text creates are added to it, so the next
   * migration checked with the same set knows them too.
   */
  userFunctions?: Set<string>;
}

type Parser = typeof import('libpg-query');
const parsers = new Map<number, Promise<Parser>>();

/**
 * That major's parser, loaded on first use. Literal specifiers, one per major, so a bundler sees
 * each; the older ones load only when a project says its production server is older.
 */
function parserFor(major: number): Promise<Parser> {
  const which = Math.max(15, Math.min(major, EMBEDDED_MAJOR));
  let loading = parsers.get(which);
  if (!loading) {
    const imported: Promise<unknown> =
      which === 15 ? import('libpg-query-15') : which === 16 ? import('libpg-query-16') : which === 17 ? import('libpg-query-17') : import('libpg-query');
    loading = imported.then(
      async (m) => {
        await (m as Parser).loadModule();
        return m as Parser;
      },
      (error) => {
        parsers.delete(which);
        // An install that skipped the aliases (or predates them): one line naming the package.
        throw new ConfigError(`postgres.version ${major}: Postgres ${which}'s parser (npm package libpg-query-${which}) cannot be loaded: ${(error as Error).message.split('\n')[0]}`, {
          hint: 'reinstall dbctl\'s dependencies (npm install), or remove postgres.version from the config',
        });
      },
    );
    parsers.set(which, loading);
  }
  return loading;
}

/**
 * What Postgres `major` would refuse in `text`, in text order; none when `major` is the embedded
 * one or newer. Text that Postgres 18 itself cannot parse gives none: that syntax error is
 * reported where the text is run or linted.
 */
export async function versionProblems(text: string, major: number, options: VersionCheckOptions = {}): Promise<VersionProblem[]> {
  if (major >= EMBEDDED_MAJOR || isBlank(text)) return [];
  let tree: { stmts?: Array<{ stmt?: Record<string, unknown>; stmt_location?: number; stmt_len?: number }> };
  try {
    tree = (await parserFor(EMBEDDED_MAJOR)).parseSync(text) as typeof tree;
  } catch {
    return [];
  }
  const bytes = Buffer.from(text, 'utf8');
  const toOffset = bytes.length === text.length ? (b: number) => b : (b: number) => bytes.toString('utf8', 0, b).length;
  const userFunctions = options.userFunctions ?? new Set<string>();
  const statements = (tree.stmts ?? []).map((s) => ({ start: s.stmt_location ?? 0, end: s.stmt_len ? (s.stmt_location ?? 0) + s.stmt_len : bytes.length, stmt: s.stmt ?? {} }));
  for (const s of statements) {
    const created = s.stmt.CreateFunctionStmt as { funcname?: Array<{ String?: { sval?: string } }> } | undefined;
    const name = created?.funcname?.at(-1)?.String?.sval;
    if (name) userFunctions.add(name);
  }

  const found: Array<{ byte: number; since: number; what: string }> = [];
  for (const s of statements) {
    walk(s.stmt, s.start, (byte, since, what) => {
      if (since > major) found.push({ byte, since, what });
    }, userFunctions);
  }
  // A statement's own location may count the blanks and comments before it.
  const starts = new Set(statements.map((s) => s.start));
  const offsetOf = (byte: number) => (starts.has(byte) ? skipBlanks(text, toOffset(byte)) : toOffset(byte));
  const problems: VersionProblem[] = found.map((f) => ({ offset: offsetOf(f.byte), since: f.since, message: `${f.what} needs PostgreSQL ${f.since}` }));

  // Syntax the tree rules do not name: the older parser stops at the first error.
  try {
    (await parserFor(major)).parseSync(text);
  } catch (error) {
    const cursor = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition ?? 0;
    const byte = Buffer.byteLength([...text].slice(0, cursor).join(''), 'utf8');
    const holder = statements.find((s) => byte >= s.start && byte <= s.end);
    if (!holder || !found.some((f) => f.byte >= holder.start && f.byte <= holder.end)) {
      problems.push({ offset: toOffset(byte), message: `PostgreSQL ${major} cannot parse this: ${(error as Error).message}` });
    }
  }
  return problems.sort((a, b) => a.offset - b.offset);
}

function skipBlanks(text: string, offset: number): number {
  const lead = /^(?:\s+|--[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(text.slice(offset))![0];
  return offset + lead.length;
}

/**
 * Functions of pg_catalog by the major that added them (a `args` count when only that form is
 * new, as random(min, max)). Unqualified or pg_catalog-qualified calls only: `app.uuidv7()` is the
 * project's own. Checked against a real server by tests/migrate/server-version.test.ts.
 */
export const FUNCTIONS: Record<string, { since: number; args?: number }> = {
  regexp_count: { since: 15 },
  regexp_instr: { since: 15 },
  regexp_like: { since: 15 },
  regexp_substr: { since: 15 },
  any_value: { since: 16 },
  array_sample: { since: 16 },
  array_shuffle: { since: 16 },
  random_normal: { since: 16 },
  erf: { since: 16 },
  erfc: { since: 16 },
  date_add: { since: 16 },
  date_subtract: { since: 16 },
  pg_input_is_valid: { since: 16 },
  pg_input_error_info: { since: 16 },
  system_user: { since: 16 },
  uuid_extract_timestamp: { since: 17 },
  uuid_extract_version: { since: 17 },
  random: { since: 17, args: 2 },
  to_bin: { since: 17 },
  to_oct: { since: 17 },
  pg_basetype: { since: 17 },
  xmltext: { since: 17 },
  uuidv7: { since: 18 },
  uuidv4: { since: 18 },
  casefold: { since: 18 },
  array_sort: { since: 18 },
  array_reverse: { since: 18 },
  crc32: { since: 18 },
  crc32c: { since: 18 },
  gamma: { since: 18 },
  lgamma: { since: 18 },
  pg_get_acl: { since: 18 },
};

/** Syntax nodes of Postgres 18's tree by the major that added them. */
const NODES: Record<string, { since: number; what: string }> = {
  MergeStmt: { since: 15, what: 'MERGE' },
  JsonObjectConstructor: { since: 16, what: 'JSON_OBJECT(…)' },
  JsonArrayConstructor: { since: 16, what: 'JSON_ARRAY(…)' },
  JsonArrayQueryConstructor: { since: 16, what: 'JSON_ARRAY(query)' },
  JsonObjectAgg: { since: 16, what: 'JSON_OBJECTAGG' },
  JsonArrayAgg: { since: 16, what: 'JSON_ARRAYAGG' },
  JsonIsPredicate: { since: 16, what: 'IS JSON' },
  JsonTable: { since: 17, what: 'JSON_TABLE' },
  JsonParseExpr: { since: 17, what: 'JSON(…)' },
  JsonScalarExpr: { since: 17, what: 'JSON_SCALAR' },
  JsonSerializeExpr: { since: 17, what: 'JSON_SERIALIZE' },
  MergeSupportFunc: { since: 17, what: 'merge_action()' },
};

const JSON_FUNCS: Record<string, string> = { JSON_EXISTS_OP: 'JSON_EXISTS', JSON_QUERY_OP: 'JSON_QUERY', JSON_VALUE_OP: 'JSON_VALUE' };
const COPY_OPTIONS: Record<string, number> = { on_error: 17, log_verbosity: 17, reject_limit: 18 };

type Report = (byte: number, since: number, what: string) => void;

/** Visits every node under `node`; `at` is the nearest location seen (nodes without one use it). */
function walk(node: unknown, at: number, report: Report, userFunctions: ReadonlySet<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, at, report, userFunctions);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (!value || typeof value !== 'object') continue;
    const v = value as Record<string, any>;
    const here = typeof v.location === 'number' && v.location >= 0 ? v.location : at;
    // Inside a rule, NEW and OLD are its pseudo-relations, whatever the major.
    if (key === 'RuleStmt') continue;
    nodeRule(key, v, here, report, userFunctions);
    walk(value, here, report, userFunctions);
  }
}

function nodeRule(key: string, v: Record<string, any>, at: number, report: Report, userFunctions: ReadonlySet<string>): void {
  const known = NODES[key];
  if (known) report(at, known.since, known.what);
  switch (key) {
    case 'MergeStmt':
      if (v.returningClause) report(at, 17, 'MERGE … RETURNING');
      return;
    case 'JsonFuncExpr':
      report(at, 17, JSON_FUNCS[v.op] ?? 'SQL/JSON query functions');
      return;
    case 'FuncCall': {
      const names = (v.funcname ?? []).map((n: any) => n?.String?.sval);
      const name = names.at(-1);
      const fn = FUNCTIONS[name];
      if (!fn || (names.length > 1 && names[0] !== 'pg_catalog') || userFunctions.has(name)) return;
      if (fn.args !== undefined && (v.args?.length ?? 0) !== fn.args) return;
      report(at, fn.since, fn.args ? `${name}() with ${fn.args} arguments` : `${name}()`);
      return;
    }
    case 'Constraint':
      if (v.contype === 'CONSTR_GENERATED' && v.generated_kind === 'v') report(at, 18, 'a virtual generated column (18\'s default when STORED is left out)');
      if (v.nulls_not_distinct) report(at, 15, 'NULLS NOT DISTINCT');
      if (v.without_overlaps) report(at, 18, 'WITHOUT OVERLAPS');
      if (v.fk_with_period || v.pk_with_period) report(at, 18, 'PERIOD in a foreign key');
      if (v.contype === 'CONSTR_NOTNULL' && v.keys) report(at, 18, v.skip_validation ? 'NOT NULL … NOT VALID' : 'a named NOT NULL table constraint');
      return;
    case 'IndexStmt':
      if (v.nulls_not_distinct) report(at, 15, 'NULLS NOT DISTINCT');
      return;
    case 'CopyStmt':
      for (const o of v.options ?? []) {
        const since = COPY_OPTIONS[o?.DefElem?.defname];
        if (since) report(o.DefElem.location ?? at, since, `COPY … ${o.DefElem.defname.toUpperCase()}`);
      }
      return;
    case 'returningClause':
      if (v.options?.length) report(v.options[0]?.ReturningOption?.location ?? at, 18, 'RETURNING WITH (OLD/NEW AS …)');
      for (const e of v.exprs ?? []) oldNewRefs(e, at, report);
      return;
  }
}

/** `old.col` / `new.col` in a RETURNING list: Postgres 18's before and after values. */
function oldNewRefs(node: unknown, at: number, report: Report): void {
  if (Array.isArray(node)) return node.forEach((n) => oldNewRefs(n, at, report));
  if (!node || typeof node !== 'object') return;
  const ref = (node as Record<string, any>).ColumnRef;
  if (ref) {
    const first = ref.fields?.[0]?.String?.sval;
    if ((first === 'old' || first === 'new') && ref.fields.length > 1) report(ref.location ?? at, 18, `${first.toUpperCase()}.… in RETURNING`);
    return;
  }
  for (const value of Object.values(node)) oldNewRefs(value, at, report);
}

/**
 * The project's own functions named like one of FUNCTIONS (a `uuidv7()` polyfill an earlier
 * migration created): calls to them are the project's, not pg_catalog's.
 */
export async function userFunctionsIn(database: Pick<Database, 'query'>): Promise<Set<string>> {
  const { rows } = await database.query<{ name: string }>(
    "select distinct proname as name from pg_proc where pronamespace <> 'pg_catalog'::regnamespace and proname = any($1)",
    [Object.keys(FUNCTIONS)],
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * `migrate up` / `down` on the embedded database: refuses, before anything runs, the first SQL
 * section that Postgres `major` (the production server's, `postgres.version`) would refuse,
 * naming file:line:col and the version. TS/JS migrations are not checked here (their SQL exists
 * only when they run); `migrate lint` checks the SQL they send.
 */
export async function refuseForServer(database: Pick<Database, 'query'>, files: MigrationFile[], direction: 'up' | 'down', major: number): Promise<void> {
  const sql = files.filter((f) => f.kind === 'sql');
  if (major >= EMBEDDED_MAJOR || !sql.length) return;
  const userFunctions = await userFunctionsIn(database);
  const found: Array<{ at: string; message: string; data: { file: string; line: number; col: number } }> = [];
  for (const file of sql) {
    const { withStandIns } = await import('./placeholders.js');
    const parsed = parseSqlMigration(file.file, await withStandIns(fs.readFileSync(file.file, 'utf8'), file.file));
    const section = direction === 'up' ? parsed.up : parsed.down;
    if (!section) continue;
    for (const p of await versionProblems(section.sql, major, { userFunctions })) {
      const { line, col } = locate(parsed.text, 1, section.offset + p.offset);
      found.push({ at: `${path.basename(file.file)}:${line}:${col}`, message: p.message, data: { file: file.file, line, col } });
    }
  }
  if (!found.length) return;
  const [first] = found;
  const more = found.length > 1 ? ` (and ${found.length - 1} more; \`dbctl migrate lint\` lists them)` : '';
  throw new UsageError(`${first.at}: ${first.message}; production runs PostgreSQL ${major} (postgres.version)${more}`, {
    hint: `the embedded database is PostgreSQL ${EMBEDDED_MAJOR} and would accept it, the production server would not: write it the PostgreSQL ${major} way, or raise postgres.version if production is newer`,
    data: { ...first.data, problems: found.map((f) => ({ at: f.at, message: f.message })) },
  }, 'migration_invalid');
}

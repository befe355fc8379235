import { ConfigError } from '../errors.js';

export type RuleLevel = 'off' | 'warn' | 'error';

/**
 * squawk 2.66's rules with dbctl's default level for each. squawk itself reports everything as a
 * warning; dbctl makes a rule an error when the statement fails at run time or holds a lock that
 * blocks the table's writes (or reads) for as long as the table takes to scan or rewrite, since
 * that is downtime on any table that holds data. Deliberate breaking changes (drops, renames) and
 * schema style are warnings: they are decisions, not accidents.
 */
export const SQUAWK_RULES: Record<string, RuleLevel> = {
  'adding-field-with-default': 'error',
  'adding-foreign-key-constraint': 'error',
  'adding-not-nullable-field': 'error',
  'adding-required-field': 'error',
  'adding-serial-primary-key-field': 'error',
  'ban-concurrent-index-creation-in-transaction': 'error',
  'ban-drop-database': 'error',
  'ban-duplicate-column-assignments': 'error',
  'ban-truncate-cascade': 'error',
  'ban-uncommitted-transaction': 'error',
  'changing-column-type': 'error',
  'constraint-missing-not-valid': 'error',
  'disallowed-unique-constraint': 'error',
  'identifier-too-long': 'error',
  'require-concurrent-index-creation': 'error',
  'require-concurrent-index-deletion': 'error',
  'require-concurrent-partition-detach': 'error',
  'require-concurrent-reindex': 'error',
  'transaction-nesting': 'error',
  // squawk always reports a statement it cannot parse; it cannot be turned off.
  'syntax-error': 'error',
  'ban-alter-domain-with-add-constraint': 'warn',
  'ban-char-field': 'warn',
  'ban-create-domain-with-constraint': 'warn',
  'ban-drop-column': 'warn',
  'ban-drop-not-null': 'warn',
  'ban-drop-table': 'warn',
  'prefer-bigint-over-int': 'warn',
  'prefer-bigint-over-smallint': 'warn',
  'prefer-identity': 'warn',
  'prefer-robust-stmts': 'warn',
  'prefer-text-field': 'warn',
  // squawk reports it under this name; `prefer-timestamptz` is accepted as an alias.
  'prefer-timestamp-tz': 'warn',
  'renaming-column': 'warn',
  'renaming-table': 'warn',
  'require-enum-value-ordering': 'warn',
  // dbctl runs every migration statement with `lock_timeout` (--ddl-lock-timeout, 5 s by default)
  // and retries a migration that gave up waiting, so a missing `SET lock_timeout` in the file is
  // not a hazard here. A statement_timeout would abort a legitimate long backfill; what makes a
  // long statement dangerous is holding ACCESS EXCLUSIVE on a big table, which dbctl's own
  // large-table rules judge with the table's real size.
  'require-lock-timeout': 'off',
  'require-statement-timeout': 'off',
  // squawk 2.66 reports it only for Postgres 19+ (where REPACK CONCURRENTLY exists); before that,
  // dbctl's large-table-rewrite judges VACUUM FULL and CLUSTER by the table's real size.
  'prefer-repack': 'off',
  // Opt-in in squawk too: unqualified names are the norm in migrations run with one search_path.
  'require-table-schema': 'off',
};

/** squawk rules that need `--include` to run at all (off in squawk unless asked for). */
export const SQUAWK_OPT_IN = ['require-table-schema'];

/** Other names squawk accepts for its rules: the older combined timeout rule, and prefer-timestamptz. */
const ALIASES: Record<string, string[]> = {
  'require-timeout-settings': ['require-lock-timeout', 'require-statement-timeout'],
  'prefer-timestamptz': ['prefer-timestamp-tz'],
};

/** dbctl's own rules, judged against the live database (see large-tables.ts). */
export const DBCTL_RULES: Record<string, RuleLevel> = {
  /** ACCESS EXCLUSIVE held while a table with many rows is rewritten or scanned. */
  'large-table-rewrite': 'error',
  /** ACCESS EXCLUSIVE on a table with many rows, for a catalog-only change (brief once granted). */
  'large-table-lock': 'warn',
  /** What migrate up refuses in a transactional section (transaction-block.ts); always an error. */
  'transaction-block': 'error',
  /** On the embedded database, what the production server's older Postgres refuses (postgres.version); always an error. */
  'postgres-version': 'error',
};

/**
 * Rules about breaking the application's clients (a dropped or renamed table or column) do not
 * apply to a down section: a down undoes its own up, and runs when the application goes back to
 * the version that did not have what it drops. The up that made the change is where it is judged.
 */
export const NOT_IN_DOWN = new Set(['ban-drop-table', 'ban-drop-column', 'ban-drop-not-null', 'renaming-column', 'renaming-table']);

export const DEFAULT_LARGE_TABLE_ROWS = 100_000;

export interface LintSettings {
  levels: Record<string, RuleLevel>;
  largeTableRows: number;
}

export interface LintConfig {
  rules?: Record<string, RuleLevel>;
  largeTableRows?: number;
}

/** Defaults overlaid with the project's `lint` config; an unknown rule name is a config error. */
export function lintSettings(config: LintConfig = {}): LintSettings {
  const levels = { ...SQUAWK_RULES, ...DBCTL_RULES };
  for (const [rule, level] of Object.entries(config.rules ?? {}).flatMap(([r, l]) => (ALIASES[r] ?? [r]).map((n) => [n, l] as const))) {
    if (!(rule in levels)) {
      throw new ConfigError(`lint.rules: unknown rule "${rule}"`, { hint: `dbctl's rules: ${Object.keys(DBCTL_RULES).join(', ')}; squawk's: https://squawkhq.com/docs/rules` });
    }
    if (rule === 'syntax-error' && level === 'off') throw new ConfigError('lint.rules: "syntax-error" cannot be turned off (squawk always reports it)');
    if (rule === 'transaction-block' && level !== 'error') throw new ConfigError('lint.rules: "transaction-block" is always an error: migrate up refuses what it finds');
    if (rule === 'postgres-version' && level !== 'error') throw new ConfigError('lint.rules: "postgres-version" is always an error: migrate up refuses what it finds');
    levels[rule] = level;
  }
  return { levels, largeTableRows: config.largeTableRows ?? DEFAULT_LARGE_TABLE_ROWS };
}

/** A rule squawk reports that dbctl does not know (a newer squawk): reported as a warning. */
export function levelOf(settings: LintSettings, rule: string): RuleLevel {
  return settings.levels[rule] ?? 'warn';
}

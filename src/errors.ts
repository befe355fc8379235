/**
 * Every failure dbctl expects is one of these classes. The library throws them; only the CLI maps
 * them to exit codes and prints them (src/cli/run.ts). Callers match on `code`, never on message text,
 * and with `isDbctlError(e) && e.code === '…'` rather than `instanceof` (see BRAND).
 */

export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  connection: 3,
  check: 4,
  refused: 5,
  lockTimeout: 6,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The kind of failure a code belongs to: it picks the class, and the class the exit code. */
export type ErrorKind = 'usage' | 'config' | 'connection' | 'check' | 'refused' | 'lock' | 'failed';

const EXIT: Record<ErrorKind, ExitCodeValue> = {
  usage: ExitCode.usage,
  config: ExitCode.usage,
  connection: ExitCode.connection,
  check: ExitCode.check,
  refused: ExitCode.refused,
  lock: ExitCode.lockTimeout,
  failed: ExitCode.failed,
};

/**
 * The catalogue: every code dbctl throws, and its kind. A code means one thing everywhere, so it has
 * one class and one exit code (the type of each class's `code` parameter enforces it).
 */
export const ERROR_CODES = {
  // exit 2: the command line, a file path, a migration, seed or fixture file the user must fix
  usage: 'usage',
  file_error: 'usage',
  folder_missing: 'usage',
  migration_invalid: 'usage',
  migration_load: 'usage',
  seed_load: 'usage',
  seed_invalid: 'usage',
  seed_unknown: 'usage',
  seed_duplicate: 'usage',
  seed_table: 'usage',
  seed_column: 'usage',
  seed_upsert_key: 'usage',
  fixture_missing: 'usage',
  fixture_invalid: 'usage',
  fixture_ambiguous: 'usage',
  fixture_duplicate_key: 'usage',
  testdb_missing: 'usage',
  schema_missing: 'usage',
  schema_source_missing: 'usage',
  schema_source_invalid: 'usage',
  hints_invalid: 'usage',
  reset_keep_conflict: 'usage',
  reset_keep_partition: 'usage',
  bad_manifest: 'usage',
  not_a_backup: 'usage',
  unsupported_restore: 'usage',
  graphviz_missing: 'usage',
  fleet_selection: 'usage',
  fleet_unknown: 'usage',
  fleet_empty: 'usage',
  copy_source: 'usage',
  copy_subset_where: 'usage',
  copy_subset_citus: 'usage',
  fleet_embedded: 'usage',
  // exit 2: the configuration (file, environment, tools it names)
  config: 'config',
  config_load: 'config',
  config_missing: 'config',
  env_invalid: 'config',
  env_unknown: 'config',
  env_no_url: 'config',
  env_url_empty: 'config',
  env_var_empty: 'config',
  fleet_duplicate: 'config',
  fleet_module: 'config',
  fleet_target: 'config',
  tool_missing: 'config',
  tool_too_old: 'config',
  tool_version: 'config',
  typescript_missing: 'config',
  // exit 3: cannot reach, authenticate to or open the database, or lost it
  connection: 'connection',
  unreachable: 'connection',
  auth_failed: 'connection',
  database_missing: 'connection',
  host_not_found: 'connection',
  tls: 'connection',
  pglite_open: 'connection',
  connection_lost: 'connection',
  copy_interrupted: 'connection',
  wait_timeout: 'connection',
  // exit 4: a check found something
  check_failed: 'check',
  status_check: 'check',
  verify_failed: 'check',
  never_migrated: 'check',
  copy_verify_failed: 'check',
  lint_failed: 'check',
  migrate_test_failed: 'check',
  typegen_stale: 'check',
  schema_drift: 'check',
  schema_stale: 'check',
  doctor_attention: 'check',
  fleet_check_failed: 'check',
  fleet_status_check: 'check',
  diff_pending: 'check',
  diff_unplannable: 'check',
  diff_ambiguous: 'check',
  diff_unverified: 'check',
  squash_unverified: 'check',
  migrations_conflict: 'check',
  // exit 5: refused by a safety rule, or by the server (a privilege the role lacks, a database in use)
  refused: 'refused',
  drift: 'refused',
  missing: 'refused',
  unordered: 'refused',
  no_down: 'refused',
  protected: 'refused',
  production_host: 'refused',
  protected_database: 'refused',
  not_confirmed: 'refused',
  confirm_mismatch: 'refused',
  not_a_database: 'refused',
  not_a_test_database: 'refused',
  not_empty: 'refused',
  database_in_use: 'refused',
  template_in_use: 'refused',
  permission_denied: 'refused',
  no_createdb: 'refused',
  unsafe_backup: 'refused',
  data_loss: 'refused',
  unmasked_column: 'refused',
  copy_drift: 'refused',
  squash_partial: 'refused',
  // exit 6
  lock_timeout: 'lock',
  // exit 1: the operation itself failed
  failed: 'failed',
  migration_failed: 'failed',
  seed_failed: 'failed',
  unawaited_rejection: 'failed',
  create_failed: 'failed',
  drop_failed: 'failed',
  disk_full: 'failed',
  server_out_of_memory: 'failed',
  manifest_mismatch: 'failed',
  corrupt_backup: 'failed',
  restore_failed: 'failed',
  restore_roles: 'failed',
  pg_dump_failed: 'failed',
  pg_restore_failed: 'failed',
  psql_failed: 'failed',
  graphviz_failed: 'failed',
  squawk_failed: 'failed',
  lint_capture_failed: 'failed',
  fleet_failed: 'failed',
  interrupted: 'failed',
} as const satisfies Record<string, ErrorKind>;

export type DbctlErrorCode = keyof typeof ERROR_CODES;
/** The codes of one kind: what a class's constructor accepts. */
export type CodeOf<K extends ErrorKind> = { [C in DbctlErrorCode]: (typeof ERROR_CODES)[C] extends K ? C : never }[DbctlErrorCode];

/** The exit code a code means (the CLI's, and `error.exitCode`). */
export function exitCodeOf(code: DbctlErrorCode): ExitCodeValue {
  return EXIT[ERROR_CODES[code]];
}


export interface ErrorDetails {
  /** One more line telling the user what to do about it. */
  hint?: string;
  /** Structured facts for --json output (never secrets). */
  data?: Record<string, unknown>;
  /**
   * A multi-line account printed above the one-line message (a code frame with a caret, SQLSTATE,
   * detail): the CLI prints it as it is, and --json carries it as `report`.
   */
  failureReport?: string;
  cause?: unknown;
}

/**
 * Marks every DbctlError, whichever copy of this module made it: the CLI bundle has its own copy,
 * and a user's config or seed that imports 'dbctl' gets the library's (dist/errors.js).
 */
const BRAND = Symbol.for('dbctl.error');

export class DbctlError extends Error {
  readonly code: DbctlErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  readonly data?: Record<string, unknown>;
  /** The multi-line account above the message, when there is one (see ErrorDetails.failureReport). */
  readonly failureReport?: string;

  constructor(code: DbctlErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCodeOf(code);
    this.hint = details.hint;
    this.data = details.data;
    this.failureReport = details.failureReport;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, ...this.data, ...(this.failureReport === undefined ? {} : { report: this.failureReport }) };
  }
}

Object.defineProperty(DbctlError.prototype, BRAND, { value: true });

/** Bad flag, bad argument, bad file the user gave: exit 2. */
export class UsageError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code: CodeOf<'usage'> = 'usage') {
    super(code, message, details);
  }
}

/** Bad configuration file, environment or tool setting: exit 2. */
export class ConfigError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code: CodeOf<'config'> = 'config') {
    super(code, message, details);
  }
}

/** Cannot reach, authenticate to, or open the database: exit 3. */
export class ConnectionError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code: CodeOf<'connection'> = 'connection') {
    super(code, message, details);
  }
}

/** A `--check` found something to report: exit 4. */
export class CheckFailedError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code: CodeOf<'check'> = 'check_failed') {
    super(code, message, details);
  }
}

/** A safety rule (drift, unordered, missing down, protected env) or the server refused the operation: exit 5. */
export class RefusedError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code: CodeOf<'refused'> = 'refused') {
    super(code, message, details);
  }
}

/** Timed out waiting for the run lock: exit 6. */
export class LockTimeoutError extends DbctlError {
  constructor(message: string, details?: ErrorDetails) {
    super('lock_timeout', message, details);
  }
}

/** The operation itself failed (a migration's SQL, a seed that threw, a restore mismatch): exit 1. */
export class OperationError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code: CodeOf<'failed'> = 'failed') {
    super(code, message, details);
  }
}

/** The class a code belongs to, for code that picks the code at run time (the SQLSTATE table). */
export function errorFor(code: DbctlErrorCode, message: string, details?: ErrorDetails): DbctlError {
  switch (ERROR_CODES[code] as ErrorKind) {
    case 'usage': return new UsageError(message, details, code as CodeOf<'usage'>);
    case 'config': return new ConfigError(message, details, code as CodeOf<'config'>);
    case 'connection': return new ConnectionError(message, details, code as CodeOf<'connection'>);
    case 'check': return new CheckFailedError(message, details, code as CodeOf<'check'>);
    case 'refused': return new RefusedError(message, details, code as CodeOf<'refused'>);
    case 'lock': return new LockTimeoutError(message, details);
    case 'failed': return new OperationError(message, details, code as CodeOf<'failed'>);
  }
}

/** True for a DbctlError from any copy of dbctl (never `instanceof`: see BRAND). */
export function isDbctlError(error: unknown): error is DbctlError {
  return typeof error === 'object' && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true;
}

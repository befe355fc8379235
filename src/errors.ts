/**
 * Every failure dbctl expects is one of these classes. The library throws them; only the CLI maps
 * them to exit codes and prints them (src/cli/run.ts). Callers match on `code`, never on message text.
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

export interface ErrorDetails {
  /** One more line telling the user what to do about it. */
  hint?: string;
  /** Structured facts for --json output (never secrets). */
  data?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * Marks every DbctlError, whichever copy of this module made it: the CLI bundle has its own copy,
 * and a user's config or seed that imports 'dbctl' gets the library's (dist/errors.js).
 */
const BRAND = Symbol.for('dbctl.error');

export class DbctlError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  readonly data?: Record<string, unknown>;

  constructor(code: string, exitCode: ExitCodeValue, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = details.hint;
    this.data = details.data;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, ...this.data };
  }
}

Object.defineProperty(DbctlError.prototype, BRAND, { value: true });

/** Bad flag, bad argument, bad configuration file: exit 2. */
export class UsageError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code = 'usage') {
    super(code, ExitCode.usage, message, details);
  }
}

export class ConfigError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code = 'config') {
    super(code, ExitCode.usage, message, details);
  }
}

/** Cannot reach, authenticate to, or open the database: exit 3. */
export class ConnectionError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code = 'connection') {
    super(code, ExitCode.connection, message, details);
  }
}

/** A `--check` found something to report: exit 4. */
export class CheckFailedError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code = 'check_failed') {
    super(code, ExitCode.check, message, details);
  }
}

/** A safety rule refused the operation (drift, unordered, missing down, protected env): exit 5. */
export class RefusedError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code = 'refused') {
    super(code, ExitCode.refused, message, details);
  }
}

/** Timed out waiting for the run lock: exit 6. */
export class LockTimeoutError extends DbctlError {
  constructor(message: string, details?: ErrorDetails) {
    super('lock_timeout', ExitCode.lockTimeout, message, details);
  }
}

/** The operation itself failed (a migration's SQL, a seed that threw, a restore mismatch): exit 1. */
export class OperationError extends DbctlError {
  constructor(message: string, details?: ErrorDetails, code = 'failed') {
    super(code, ExitCode.failed, message, details);
  }
}

/** True for a DbctlError from any copy of dbctl (never `instanceof`: see BRAND). */
export function isDbctlError(error: unknown): error is DbctlError {
  return typeof error === 'object' && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true;
}

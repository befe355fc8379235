import { isDbctlError, ExitCode } from '../errors.js';
import { redact } from '../driver/target.js';
import { currentOutput } from './context.js';

/**
 * The one place errors become exit codes and text. A DbctlError is a user-facing condition: one
 * line (plus a hint), no stack. Anything else is a bug: say so, and show the stack only with -v.
 */
export function reportError(error: unknown): number {
  const out = currentOutput();
  out.status(undefined);
  if (isDbctlError(error)) {
    if (out.json) {
      // A --check keeps what it found (e.g. the status) and adds the error to the same document.
      const found = out.document;
      out.result({ ...(found && typeof found === 'object' ? found : {}), ok: false, error: error.toJSON() });
      out.flush();
    }
    const c = out.color;
    const detail = error.failureReport ?? '';
    if (detail) process.stderr.write(redact(detail) + '\n');
    process.stderr.write(`${c.red('error:')} ${redact(error.message)}\n`);
    if (error.hint) process.stderr.write(`${c.dim('hint:')} ${redact(error.hint)}\n`);
    return error.exitCode;
  }
  const e = error as Error;
  if (out.json) {
    out.result({ ok: false, error: { code: 'internal', message: redact(String(e?.message ?? e)) } });
    out.flush();
  }
  process.stderr.write(`${out.color.red('internal error:')} ${redact(String(e?.message ?? e))}\n`);
  if (out.verbose && e?.stack) process.stderr.write(redact(e.stack) + '\n');
  else process.stderr.write('This is a bug in dbctl; run again with -v for the stack trace and report it.\n');
  return ExitCode.failed;
}

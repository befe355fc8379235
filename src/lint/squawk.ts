import { runChild, type ChildResult } from '../children.js';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { OperationError } from '../errors.js';
import { SQUAWK_OPT_IN, SQUAWK_RULES, type LintSettings } from './rules.js';

/** squawk's binary, or why there is none. */
export type SquawkBinary = { available: true; path: string; version: string } | { available: false; reason: string };

/**
 * The prebuilt binary from squawk-cli's platform package (`@squawk-cli/linux-x64`, …), resolved
 * and run directly: no shell and no Node wrapper process in between. `DBCTL_SQUAWK` names another
 * binary (a platform squawk has no npm build for: `cargo install squawk-cli`, `pip install squawk-cli`).
 */
export function findSquawk(environ: NodeJS.ProcessEnv = process.env): SquawkBinary {
  // Set but empty is a variable its script meant to fill, not "use the bundled squawk".
  if (environ.DBCTL_SQUAWK !== undefined && environ.DBCTL_SQUAWK.trim() === '') {
    return { available: false, reason: 'DBCTL_SQUAWK is set but empty: name a squawk binary, or unset it for the bundled one' };
  }
  if (environ.DBCTL_SQUAWK) {
    return fs.existsSync(environ.DBCTL_SQUAWK)
      ? { available: true, path: environ.DBCTL_SQUAWK, version: 'DBCTL_SQUAWK' }
      : { available: false, reason: `DBCTL_SQUAWK=${environ.DBCTL_SQUAWK} does not exist` };
  }
  const pkg = `@squawk-cli/${process.platform}-${process.arch}`;
  const require = createRequire(import.meta.url);
  try {
    const binary = require.resolve(`${pkg}/bin/squawk${process.platform === 'win32' ? '.exe' : ''}`);
    const { version } = require(`${pkg}/package.json`) as { version: string };
    return { available: true, path: binary, version };
  } catch {
    return { available: false, reason: `squawk has no binary for ${process.platform}-${process.arch} here (${pkg} is not installed)` };
  }
}

/** One text for squawk to lint, with the transaction mode it will run in. */
export interface SquawkInput {
  text: string;
  transaction: boolean;
}

/** A squawk finding; line and col are 1-based, col counts characters (squawk counts bytes). */
export interface SquawkFinding {
  input: number;
  rule: string;
  line: number;
  col: number;
  message: string;
  help: string | null;
}

interface SquawkJson {
  file: string;
  line: number;
  column: number;
  rule_name: string;
  message: string;
  help: string | null;
}

/**
 * Lints every input with one squawk process per transaction mode (two at most, whatever the
 * number of migrations). Each input is written to a file of its own in a temporary folder, so a
 * `-- squawk-ignore-file` or a statement earlier in one migration never affects another. squawk
 * runs in the project folder, so a `.squawk.toml` there applies too.
 */
export async function runSquawk(binary: string, inputs: SquawkInput[], options: { settings: LintSettings; pgVersion: string; cwd: string }): Promise<SquawkFinding[]> {
  if (!inputs.length) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-lint-'));
  try {
    const files = inputs.map((input, k) => {
      const file = path.join(dir, `${k}.sql`);
      fs.writeFileSync(file, input.text);
      return file;
    });
    const levels = options.settings.levels;
    const squawkRules = Object.keys(SQUAWK_RULES).filter((r) => r !== 'syntax-error');
    const excluded = squawkRules.filter((r) => levels[r] === 'off' && !SQUAWK_OPT_IN.includes(r));
    const included = SQUAWK_OPT_IN.filter((r) => levels[r] !== 'off');
    const common = ['--reporter', 'json', `--pg-version=${options.pgVersion}`, '--no-error-on-unmatched-pattern'];
    if (excluded.length) common.push(`--exclude=${excluded.join(',')}`);
    if (included.length) common.push(`--include=${included.join(',')}`);
    const findings: SquawkFinding[] = [];
    for (const transaction of [true, false]) {
      const batch = files.filter((_, k) => inputs[k].transaction === transaction);
      if (!batch.length) continue;
      const flag = transaction ? '--assume-in-transaction' : '--no-assume-in-transaction';
      for (const found of await exec(binary, [...common, flag, ...batch], options.cwd)) {
        const input = files.indexOf(found.file);
        if (input < 0) continue;
        findings.push({ input, rule: found.rule_name, ...position(inputs[input].text, found.line, found.column), message: found.message, help: found.help });
      }
    }
    return findings;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** squawk runs under dbctl's watchdog (src/children.ts): it dies with dbctl. */
async function exec(binary: string, args: string[], cwd: string): Promise<SquawkJson[]> {
  let result: ChildResult;
  try {
    result = await runChild(binary, args, { cwd });
  } catch (error) {
    throw new OperationError(`squawk failed: ${(error as Error).message}`, { cause: error }, 'squawk_failed');
  }
  const { code, stdout, stderr } = result;
  // Exit 1 means "found something"; the JSON on stdout says what.
  if (code !== 0 && code !== 1) throw new OperationError(`squawk failed: ${(stderr || `exit code ${code}`).trim().split('\n')[0]}`, {}, 'squawk_failed');
  try {
    return stdout.trim() ? (JSON.parse(stdout) as SquawkJson[]) : [];
  } catch (parseError) {
    throw new OperationError(`squawk printed something other than its JSON report: ${stdout.slice(0, 200)}`, { cause: parseError }, 'squawk_failed');
  }
}

/** squawk's 0-based line and 0-based byte column as a 1-based line and character column. */
function position(text: string, line: number, byteColumn: number): { line: number; col: number } {
  const lineText = text.split('\n')[line] ?? '';
  const before = Buffer.from(lineText, 'utf8').subarray(0, byteColumn).toString('utf8');
  return { line: line + 1, col: Array.from(before).length + 1 };
}

import { Chalk, type ChalkInstance } from 'chalk';
import { redact } from '../driver/target.js';
import { StatusLine } from './status-line.js';

/**
 * Everything the CLI prints goes through here. `--json` means exactly one JSON document on stdout;
 * human output goes to stdout, diagnostics (progress, warnings, -v SQL) to stderr. Colour follows
 * chalk's detection, so NO_COLOR and FORCE_COLOR are honoured. Every line passes through `redact`.
 */
export class Output {
  readonly color: ChalkInstance;
  readonly json: boolean;
  readonly verbose: boolean;
  /** --quiet: no progress and no notes. */
  readonly quiet: boolean;
  #document: unknown = undefined;
  #target: TargetInfo | undefined;
  #warnings: string[] = [];

  constructor(options: { json?: boolean; verbose?: boolean; quiet?: boolean; color?: boolean; stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream } = {}) {
    this.json = !!options.json;
    this.verbose = !!options.verbose;
    this.quiet = !!options.quiet;
    const noColor = 'NO_COLOR' in process.env && process.env.NO_COLOR !== '';
    // --color / --no-color win over NO_COLOR and the terminal check; --json is never coloured.
    const detected = new Chalk(noColor ? { level: 0 } : {}).level;
    this.color = new Chalk({ level: this.json || options.color === false ? 0 : options.color ? Math.max(detected, 1) as 1 | 2 | 3 : detected });
  }

  /** A line of human output (dropped under --json). */
  line(text = ''): void {
    if (!this.json) this.#aroundStatus(() => process.stdout.write(redact(text) + '\n'));
  }

  /** A diagnostic line on stderr (kept under --json: stdout stays one JSON document). */
  info(text: string): void {
    this.#aroundStatus(() => process.stderr.write(redact(text) + '\n'));
  }

  /** A warning on stderr, and under --json also in the document's `warnings` (a script reads those, not stderr). */
  warn(text: string): void {
    this.#warnings.push(text);
    this.#aroundStatus(() => process.stderr.write(this.color.yellow('warning: ') + redact(text) + '\n'));
  }

  debug(text: string): void {
    if (this.verbose) this.#aroundStatus(() => process.stderr.write(this.color.dim(redact(text)) + '\n'));
  }

  /** A note for a person watching (first-run preparation): only where progress shows. */
  note(text: string): void {
    if (this.showsProgress) this.info(this.color.dim(text));
  }

  #statusLine: StatusLine | undefined;

  /**
   * Progress of a long operation: one line on stderr, rewritten in place with the time so far, that
   * appears only once the operation has taken a second (quick ones print nothing) and only where
   * progress shows (a terminal, not --json or --quiet). It keeps counting while a statement blocks
   * this thread (status-line.ts). `undefined` ends it. Other output printed meanwhile goes above it.
   */
  status(text: string | undefined): void {
    if (!this.showsProgress) return;
    if (text === undefined) return this.#statusLine?.clear();
    this.#statusLine ??= new StatusLine(this.color.dim('\0').split('\0') as [string, string]);
    this.#statusLine.set(redact(text));
  }

  #aroundStatus(write: () => void): void {
    if (this.#statusLine) this.#statusLine.around(write);
    else write();
  }

  /**
   * Names the database a command acts on: the first line of human output (on stderr, so stdout
   * stays what scripts capture, e.g. `testdb create`'s URL) and `target` in the JSON document.
   */
  target(info: TargetInfo): void {
    if (this.#target?.url === info.url) return;
    this.#target = info;
    if (!this.json) process.stderr.write(this.color.dim(`target: ${info.description} (${info.env} environment, from ${info.source})`) + '\n');
  }

  /** Sets the one JSON document printed at the end (under --json). */
  result(document: unknown): void {
    this.#document = document;
  }

  /** The document set so far (an error report extends it rather than replacing it). */
  get document(): unknown {
    return this.#document;
  }

  flush(): void {
    this.status(undefined);
    if (this.json && this.#document !== undefined) {
      const found = this.#document;
      // Every document says whether the command succeeded: a failure's report sets `ok: false`
      // (run.ts); a document that reaches here without one is a success.
      const doc = found && typeof found === 'object' && !Array.isArray(found) && !('ok' in found) ? { ok: true, ...found } : found;
      const object = doc && typeof doc === 'object' && !Array.isArray(doc);
      const withWarnings = object && this.#warnings.length && !('warnings' in doc) ? { ...doc, warnings: this.#warnings } : doc;
      const withTarget = this.#target && object && !('target' in doc) ? { ...(withWarnings as object), target: this.#target } : withWarnings;
      process.stdout.write(redact(JSON.stringify(withTarget, jsonReplacer, 2)) + '\n');
    }
    this.#document = undefined;
  }

  get isTTY(): boolean {
    return !!process.stderr.isTTY && !this.json;
  }

  /** Progress bars and notes: on a terminal, and not under --json or --quiet. */
  get showsProgress(): boolean {
    return this.isTTY && !this.quiet;
  }
}

/** The database a command acts on, password-free. */
export interface TargetInfo {
  /** The URL with its password masked (`pglite://…` for the embedded database). */
  url: string;
  /** `host:port/database`, or `embedded PGlite at DIR`. */
  description: string;
  env: string;
  /** Where the URL came from: `--url`, `environments.test.url`, `DATABASE_URL (.env)`, … */
  source: string;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** A small aligned table for human output. */
export function table(rows: string[][], color?: ChalkInstance): string {
  if (rows.length === 0) return '';
  // Width by visible length, so coloured cells line up.
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => visible(r[i] ?? ''))));
  return rows
    .map((r, n) => {
      const line = r.map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i] - visible(cell)))).join('  ');
      return n === 0 && color ? color.bold(line) : line;
    })
    .join('\n');
}

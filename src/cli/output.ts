import { Chalk, type ChalkInstance } from 'chalk';
import { redact } from '../driver/url.js';

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
    if (!this.json) process.stdout.write(redact(text) + '\n');
  }

  /** A diagnostic line on stderr (kept under --json: stdout stays one JSON document). */
  info(text: string): void {
    process.stderr.write(redact(text) + '\n');
  }

  warn(text: string): void {
    process.stderr.write(this.color.yellow('warning: ') + redact(text) + '\n');
  }

  debug(text: string): void {
    if (this.verbose) process.stderr.write(this.color.dim(redact(text)) + '\n');
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
    if (this.json && this.#document !== undefined) {
      const doc = this.#document;
      const withTarget = this.#target && doc && typeof doc === 'object' && !Array.isArray(doc) && !('target' in doc) ? { ...doc, target: this.#target } : doc;
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

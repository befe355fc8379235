import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { locate } from '../sql/sql-error.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { registerSecret } from '../secrets.js';

/**
 * Placeholders in `.sql` migrations: `${env:NAME}` and `${config:path}`, quoted by type
 * (`:literal`, the default; `:ident`; `:raw` only when asked). Where they are is decided by
 * Postgres's own scanner (libpg-query's scanSync), so a `${` inside a string, a quoted identifier,
 * a dollar-quoted body or a comment is left as written; `$${` outside them is a literal `${`.
 * Checksums are taken over the file's text (files.ts), never over what it expands to.
 */
export interface PlaceholderSource {
  /** What `${env:NAME}` reads. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** What `${config:path}` reads (a dotted path): the config's `placeholders`, environment overrides merged. */
  config?: Record<string, unknown>;
}

export type Quoting = 'literal' | 'ident' | 'raw';

export interface Placeholder {
  from: 'env' | 'config';
  name: string;
  quoting: Quoting;
  /** Where `${` starts and where the closing `}` ends, in the text (JS string offsets). */
  start: number;
  end: number;
  line: number;
}

/** A `$${` outside quotes and comments: written as `${`. */
interface Escape {
  start: number;
}

export interface Expansion {
  /** The text as it runs. */
  text: string;
  /** The text with every secret (an env value quoted as literal or raw) shown as `***`: for dry runs and reports. */
  shown: string;
  /** The text for psql: env placeholders as psql variables (`:'NAME'`, `:"NAME"`, `:NAME`), set with `psql -v NAME=…`. */
  psql: string;
  /** The env names `psql` needs as variables. */
  variables: string[];
}

const SYNTAX = /^\$\{(env|config):([A-Za-z_][A-Za-z0-9_.-]*)(?::(literal|ident|raw))?\}/;

/** True when the text may hold a placeholder (no scanner is loaded for a file without `${`). */
export function mayHavePlaceholders(text: string): boolean {
  return text.includes('${');
}

/** The placeholders and `$${` escapes of `text`, found outside strings, quoted names, dollar bodies and comments. */
export async function findPlaceholders(text: string, file: string): Promise<{ placeholders: Placeholder[]; escapes: Escape[] }> {
  const placeholders: Placeholder[] = [];
  const escapes: Escape[] = [];
  if (!mayHavePlaceholders(text)) return { placeholders, escapes };
  const quoted = await quotedRanges(text, file);
  let q = 0;
  for (const m of text.matchAll(/\$?\$\{/g)) {
    const at = m.index!;
    while (q < quoted.length && quoted[q][1] <= at) q++;
    if (q < quoted.length && quoted[q][0] <= at) continue;
    if (m[0] === '$${') {
      escapes.push({ start: at });
      continue;
    }
    const line = locate(text, 1, at).line;
    const s = SYNTAX.exec(text.slice(at, at + 300));
    if (!s) {
      throw new UsageError(`${path.basename(file)}:${line}: malformed placeholder "${text.slice(at, at + 40).split('\n')[0]}"`, {
        hint: 'write ${env:NAME}, ${config:path}, with :literal (the default), :ident or :raw; a literal ${ is written $${',
        data: { file, line },
      }, 'migration_invalid');
    }
    placeholders.push({ from: s[1] as 'env' | 'config', name: s[2], quoting: (s[3] ?? 'literal') as Quoting, start: at, end: at + s[0].length, line });
  }
  return { placeholders, escapes };
}

/**
 * The text with its placeholders expanded; undefined when it has none (and no escape). Every
 * unset value is named (file, line, placeholder) in one error, before anything runs.
 */
export async function expandPlaceholders(text: string, file: string, source: PlaceholderSource = {}): Promise<Expansion | undefined> {
  const { placeholders, escapes } = await findPlaceholders(text, file);
  if (!placeholders.length && !escapes.length) return undefined;
  const unset: Placeholder[] = [];
  const values = placeholders.map((p) => {
    const value = valueOf(p, source);
    if (value === undefined) unset.push(p);
    return value ?? '';
  });
  if (unset.length) {
    const names = unset.map((p) => `${path.basename(file)}:${p.line}: ${p.from === 'env' ? `environment variable ${p.name}` : `config value placeholders.${p.name}`}`);
    throw new UsageError(`${names[0]} is not set (or is empty)${names.length > 1 ? ` (and ${names.slice(1).join(', ')})` : ''}; nothing was run`, {
      hint: unset[0].from === 'env' ? `set ${unset[0].name} in the environment or a .env file` : 'set it under `placeholders` in the config (or environments.<env>.placeholders)',
      data: { file, unset: unset.map((p) => ({ line: p.line, from: p.from, name: p.name })) },
    }, 'migration_invalid');
  }
  const pieces = (render: (p: Placeholder, value: string) => string) => {
    return applyEdits(text, [...placeholders.map((p, k) => ({ start: p.start, end: p.end, with: render(p, values[k]) })), ...escapes.map((e) => ({ start: e.start, end: e.start + 1, with: '' }))]);
  };
  const secret = (p: Placeholder) => p.from === 'env' && p.quoting !== 'ident';
  const quote = (p: Placeholder, value: string) => (p.quoting === 'literal' ? quoteLiteral(value) : p.quoting === 'ident' ? quoteIdent(value) : value);
  placeholders.forEach((p, k) => {
    if (p.quoting === 'ident' && !values[k]) throw new UsageError(`${path.basename(file)}:${p.line}: ${p.name} is empty, and an identifier cannot be`, { data: { file, line: p.line } }, 'migration_invalid');
    if (secret(p)) {
      registerSecret(values[k]);
      registerSecret(quote(p, values[k]));
    }
  });
  const psqlVariable = (p: Placeholder) => (p.quoting === 'literal' ? `:'${p.name}'` : p.quoting === 'ident' ? `:"${p.name}"` : `:${p.name}`);
  return {
    text: pieces(quote),
    shown: pieces((p, value) => (secret(p) ? (p.quoting === 'literal' ? `'***'` : '***') : quote(p, value))),
    psql: pieces((p, value) => (p.from === 'env' ? psqlVariable(p) : quote(p, value))),
    variables: [...new Set(placeholders.filter((p) => p.from === 'env').map((p) => p.name))],
  };
}

function valueOf(p: Placeholder, source: PlaceholderSource): string | undefined {
  // Set but blank is read as unset, as dbctl reads a blank option or DATABASE_URL: an empty role
  // password or schema name is a mistake to name, not a value to run.
  if (p.from === 'env') {
    const value = (source.env ?? process.env)[p.name];
    return value === undefined || value.trim() === '' ? undefined : value;
  }
  let value: unknown = source.config ?? {};
  for (const key of p.name.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value === 'object') throw new UsageError(`placeholders.${p.name} is an object; a placeholder takes a string, number or boolean`, {}, 'migration_invalid');
  return String(value);
}

/**
 * [start, end) of every token Postgres reads as a string, a quoted identifier, a dollar-quoted body
 * or a comment, in JS string offsets. The scanner is given the text with `${` masked as `__` (and
 * `$${` as `___`), same length, so a placeholder in code reads as a name and not as the start of a
 * dollar quote.
 */
async function quotedRanges(text: string, file: string): Promise<Array<[number, number]>> {
  const pg = await import('libpg-query');
  await pg.loadModule();
  const masked = text.replace(/\$\$\{/g, '___').replace(/\$\{/g, '__');
  let tokens;
  try {
    tokens = pg.scanSync(masked).tokens;
  } catch (error) {
    throw new UsageError(`${path.basename(file)}: its SQL cannot be scanned for placeholders: ${(error as Error).message.split('\n')[0]}`, { data: { file } }, 'migration_invalid');
  }
  const toChar = charOffsets(masked);
  const ranges: Array<[number, number]> = [];
  for (const t of tokens) {
    const start = toChar(t.start);
    const end = toChar(t.end);
    const head = masked.slice(start, start + 3);
    if (/^(['"$]|--|\/\*|[A-Za-z]&?['"])/.test(head)) ranges.push([start, end]);
  }
  return ranges;
}

/** The scanner counts UTF-8 bytes; JS strings count UTF-16 units. */
function charOffsets(text: string): (byte: number) => number {
  if (Buffer.byteLength(text) === text.length) return (byte) => byte;
  const map: number[] = [];
  let byte = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let b = 0; b < size; b++) map[byte + b] = i;
    byte += size;
    if (code > 0xffff) i++;
  }
  map[byte] = text.length;
  return (b) => map[b] ?? text.length;
}

/**
 * Registers (for redact()) and returns the secrets the `.sql` migrations of `dir` expand to, so a
 * process that never ran them (`schema dump`) masks them too: a column default or a comment may
 * hold one.
 */
export async function registerMigrationSecrets(dir: string, source: PlaceholderSource): Promise<string[]> {
  const found: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.sql'));
  } catch {
    return found;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes('${env:')) continue;
    const { placeholders } = await findPlaceholders(text, file).catch(() => ({ placeholders: [] as Placeholder[] }));
    for (const p of placeholders) {
      const value = p.from === 'env' && p.quoting !== 'ident' ? (source.env ?? process.env)[p.name] : undefined;
      if (value === undefined || value.length < 2) continue;
      registerSecret(value);
      found.push(value);
    }
  }
  return found;
}

/** `text` with each of `secrets` (the values themselves, longest first) shown as `***`. */
export function maskSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of [...new Set(secrets)].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}

/**
 * The text with stand-ins for its placeholders (a literal `'NAME'`, an identifier `"NAME"`, raw
 * `NULL`), for what reads a migration without running it (`migrate lint`): no value is needed, and
 * none can leak. Lines stay where they were.
 */
export async function withStandIns(text: string, file: string): Promise<string> {
  if (!mayHavePlaceholders(text)) return text;
  const { placeholders, escapes } = await findPlaceholders(text, file);
  return applyEdits(text, [
    ...placeholders.map((p) => ({ start: p.start, end: p.end, with: p.quoting === 'literal' ? quoteLiteral(p.name) : p.quoting === 'ident' ? quoteIdent(p.name) : 'NULL' })),
    ...escapes.map((e) => ({ start: e.start, end: e.start + 1, with: '' })),
  ]);
}

/** `text` with each [start, end) span replaced, the spans taken in order of where they start. */
function applyEdits(text: string, edits: { start: number; end: number; with: string }[]): string {
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, e.start) + e.with;
    at = e.end;
  }
  return out + text.slice(at);
}

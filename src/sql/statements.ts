/**
 * A SQL section's statements as Postgres itself splits them: libpg-query is Postgres's own parser
 * (a WASM build, no native compile), so `E'it\'s; …'`, `BEGIN ATOMIC … END`, nested `$tag$` quotes
 * and comments with semicolons come out exactly as the server reads them. It is loaded only when a
 * SQL migration is about to run (never for `status` or a no-op `up`): loading costs ~100 ms.
 */
export interface Statement {
  /** The statement's text, trimmed, without its `;`. */
  sql: string;
  /** Where it starts in the parsed text (a JS string offset). */
  offset: number;
  /** The parse tree's node type (`CreateStmt`, `TransactionStmt`, …) and its fields. */
  kind: string;
  node: Record<string, any>;
}

/** The text does not parse; `offset` is where (a JS string offset), `metaCommand` set for a psql `\command`. */
export class SqlParseError extends Error {
  constructor(message: string, readonly offset: number, readonly metaCommand?: string) {
    super(message);
  }
}

let parser: Promise<typeof import('libpg-query')> | undefined;

async function loadParser(): Promise<typeof import('libpg-query')> {
  parser ??= import('libpg-query').then(async (m) => {
    await m.loadModule();
    return m;
  });
  return parser;
}

/** True when the text holds only whitespace and comments (no parser needed to know it runs nothing). */
export function isBlank(text: string): boolean {
  return text.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim() === '';
}

export async function parseStatements(text: string): Promise<Statement[]> {
  if (isBlank(text)) return [];
  const pg = await loadParser();
  let tree;
  try {
    tree = pg.parseSync(text);
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    // cursorPosition counts characters (code points) from 0; JS strings count UTF-16 units.
    const offset = codePointsToOffset(text, details?.cursorPosition ?? 0);
    const meta = text[offset] === '\\' ? /^\\[^\s;]*/.exec(text.slice(offset))?.[0] : undefined;
    throw new SqlParseError((error as Error).message, offset, meta);
  }
  const bytes = Buffer.from(text, 'utf8');
  // stmt_location and stmt_len count UTF-8 bytes; walk forward once, decoding only the gaps.
  let byteAt = 0;
  let charAt = 0;
  const toOffset = (byte: number) => {
    charAt += bytes.toString('utf8', byteAt, byte).length;
    byteAt = byte;
    return charAt;
  };
  const out: Statement[] = [];
  for (const raw of tree.stmts ?? []) {
    const startByte = raw.stmt_location ?? 0;
    const endByte = raw.stmt_len ? startByte + raw.stmt_len : bytes.length;
    const start = toOffset(startByte);
    const end = toOffset(endByte);
    const piece = text.slice(start, end);
    const lead = piece.length - piece.trimStart().length;
    const kind = Object.keys(raw.stmt ?? {})[0] ?? 'Unknown';
    out.push({ sql: piece.trim(), offset: start + lead, kind, node: (raw.stmt as Record<string, any>)?.[kind] ?? {} });
  }
  return out;
}

function codePointsToOffset(text: string, codePoints: number): number {
  let offset = 0;
  for (let n = 0; n < codePoints && offset < text.length; n++) offset += (text.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
  return offset;
}

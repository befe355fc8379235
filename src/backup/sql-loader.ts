import { sql } from 'kysely';
import { copyInAll } from '../driver/copy.js';
import type { Database } from '../driver/database.js';
import { OperationError, RefusedError } from '../errors.js';
import { isPgDumpRestrict, LineLexer } from './meta-commands.js';
import { splitStatements } from '../sql/split.js';

/** A piece of a plain dump: SQL to run as a script, or a COPY … FROM stdin with its data. */
type Piece = { kind: 'sql'; text: string; entry: string } | { kind: 'copy'; statement: string; data: string; entry: string };

/**
 * Loads a plain-SQL dump through dbctl's own connection, in one transaction: how PGlite restores
 * (it has no psql), and how a PGlite dump goes onto a server. What a script runner cannot take
 * from pg_dump output is handled here:
 * - pg_dump's own psql meta-commands (`\restrict`, `\unrestrict`) are dropped; any other line that
 *   starts in SQL code with a backslash (`\!`, `\connect`, `\i`) refuses the whole dump, naming its
 *   line: a backup file is executable input, and one that asks for psql was not written by pg_dump
 *   (see meta-commands.ts);
 * - `SET name = …` for a setting the target does not know (a newer dump's `transaction_timeout`
 *   on an older server) is dropped;
 * - ownership is skipped: objects belong to the restoring user, as pg_restore's --no-owner does
 *   (grants and policies stay: restore creates the roles they name first);
 * - COPY … FROM stdin data goes through the driver's copyIn (PGlite: /dev/blob);
 * - the dump empties search_path for the session, so it is reset afterwards.
 * The dump is cut at pg_dump's `-- Name:` entry headers, which sit between statements, so no
 * single script is the whole file.
 */
export async function loadSqlDump(database: Database, text: string, options: { file?: string; signal?: AbortSignal } = {}): Promise<void> {
  const db = await database.kysely(); // the CLI opens backup databases without Kysely: load it here
  const { rows } = await sql<{ name: string }>`select name from pg_settings`.execute(db);
  const known = new Set(rows.map((r) => r.name.toLowerCase()));
  const pieces = splitDump(text, known, options.file);
  await db.transaction().execute(async (trx) => {
    for (const piece of pieces) {
      // An interrupted restore stops between pieces; the transaction rolls back.
      options.signal?.throwIfAborted();
      try {
        if (piece.kind === 'sql') await sql.raw(piece.text).execute(trx);
        else await copyInAll(trx, piece.statement, piece.data);
      } catch (error) {
        throw new OperationError(`restore failed in ${piece.entry || 'the dump preamble'}: ${(error as Error).message}`, { cause: error }, 'restore_failed');
      }
    }
    await sql`reset search_path`.execute(trx);
  });
}

/** A big table's INSERTs go in scripts of about this many characters, not as one giant script. */
const BATCH_CHARS = 8 << 20;

/** Cuts a data entry into batches of whole statements (quote-aware: values may span lines). */
function batches(text: string): string[] {
  if (text.length <= BATCH_CHARS) return [text];
  const out: string[] = [];
  let batch: string[] = [];
  let size = 0;
  for (const statement of splitStatements(text)) {
    batch.push(statement.sql + ';');
    size += statement.sql.length;
    if (size >= BATCH_CHARS) {
      out.push(batch.join('\n'));
      batch = [];
      size = 0;
    }
  }
  if (batch.length) out.push(batch.join('\n'));
  return out;
}

const ENTRY_HEADER = /^-- (?:Data for )?Name: /;
const OWNER = /^ALTER [A-Z ]+ .+ OWNER TO [^;]+;$/;
const COPY = /^COPY .+ FROM stdin;$/;

export function splitDump(text: string, knownSettings: Set<string>, file = 'the dump'): Piece[] {
  const lines = text.split('\n');
  const lexer = new LineLexer();
  const pieces: Piece[] = [];
  let buffer: string[] = [];
  let entry = '';
  // Data entries keep every line as it is: a line inside a multi-line string literal is data.
  let isData = false;
  const flush = () => {
    if (buffer.some((l) => l.trim() !== '' && !l.startsWith('--'))) {
      const text = buffer.join('\n');
      for (const batch of isData ? batches(text) : [text]) pieces.push({ kind: 'sql', text: batch, entry });
    }
    buffer = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const atCode = lexer.atCode;
    // psql reads a backslash after leading blanks as a meta-command too.
    if (atCode && /^\s*\\/.test(line) && !isPgDumpRestrict(line)) {
      throw new RefusedError(`${file}:${i + 1}: refused: a psql meta-command (${line.trim().split(/\s/)[0]}) outside COPY data; a pg_dump dump holds none`, {
        hint: 'a backup file is executable input: restore only dumps dbctl backup wrote, from a place only you can write to',
        data: { file, line: i + 1 },
      }, 'unsafe_backup');
    }
    lexer.line(line);
    if (line === '--' && ENTRY_HEADER.test(lines[i + 1] ?? '')) {
      flush();
      entry = lines[i + 1].slice(3);
      isData = entry.includes('Type: TABLE DATA');
      i += lines[i + 2] === '--' ? 2 : 1;
      continue;
    }
    if (atCode && line.startsWith('\\')) continue; // pg_dump's \restrict / \unrestrict
    if (!isData && OWNER.test(line)) continue;
    if (!isData && /^SET \w+ = /.test(line) && !knownSettings.has(line.split(/\s+/)[1].toLowerCase())) continue;
    if (COPY.test(line)) {
      flush();
      const end = lines.indexOf('\\.', i + 1);
      if (end < 0) throw new OperationError(`the dump is truncated: ${entry || 'a COPY'} has no end marker`, {}, 'corrupt_backup');
      pieces.push({ kind: 'copy', statement: line, data: lines.slice(i + 1, end).map((l) => l + '\n').join(''), entry });
      i = end;
      lexer.reset();
      continue;
    }
    buffer.push(line);
  }
  flush();
  return pieces;
}

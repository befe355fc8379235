import { sql } from 'kysely';
import { copyInAll } from '../driver/copy.js';
import type { Database } from '../driver/open.js';
import { OperationError } from '../errors.js';
import { splitStatements } from '../migrate/split.js';

/** A piece of a plain dump: SQL to run as a script, or a COPY … FROM stdin with its data. */
type Piece = { kind: 'sql'; text: string; entry: string } | { kind: 'copy'; statement: string; data: string; entry: string };

/**
 * Loads a plain-SQL dump through dbctl's own connection, in one transaction: how PGlite restores
 * (it has no psql), and how a PGlite dump goes onto a server. What a script runner cannot take
 * from pg_dump output is handled here:
 * - psql meta-commands (`\connect`, `\restrict`) are dropped;
 * - `SET name = …` for a setting the target does not know (a newer dump's `transaction_timeout`
 *   on an older server) is dropped;
 * - ownership is skipped: objects belong to the restoring user, as pg_restore's --no-owner does
 *   (grants and policies stay: restore creates the roles they name first);
 * - COPY … FROM stdin data goes through the driver's copyIn (PGlite: /dev/blob);
 * - the dump empties search_path for the session, so it is reset afterwards.
 * The dump is cut at pg_dump's `-- Name:` entry headers, which sit between statements, so no
 * single script is the whole file.
 */
export async function loadSqlDump(database: Database, text: string): Promise<void> {
  const db = await database.kysely(); // the CLI opens backup databases without Kysely: load it here
  const { rows } = await sql<{ name: string }>`select name from pg_settings`.execute(db);
  const known = new Set(rows.map((r) => r.name.toLowerCase()));
  const pieces = splitDump(text, known);
  await db.transaction().execute(async (trx) => {
    for (const piece of pieces) {
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

export function splitDump(text: string, knownSettings: Set<string>): Piece[] {
  const lines = text.split('\n');
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
    if (line === '--' && ENTRY_HEADER.test(lines[i + 1] ?? '')) {
      flush();
      entry = lines[i + 1].slice(3);
      isData = entry.includes('Type: TABLE DATA');
      i += lines[i + 2] === '--' ? 2 : 1;
      continue;
    }
    if (!isData && line.startsWith('\\')) continue;
    if (!isData && OWNER.test(line)) continue;
    if (!isData && /^SET \w+ = /.test(line) && !knownSettings.has(line.split(/\s+/)[1].toLowerCase())) continue;
    if (COPY.test(line)) {
      flush();
      const end = lines.indexOf('\\.', i + 1);
      if (end < 0) throw new OperationError(`the dump is truncated: ${entry || 'a COPY'} has no end marker`, {}, 'corrupt_backup');
      pieces.push({ kind: 'copy', statement: line, data: lines.slice(i + 1, end).map((l) => l + '\n').join(''), entry });
      i = end;
      continue;
    }
    buffer.push(line);
  }
  flush();
  return pieces;
}

import type { BuiltinMasker } from '../config/copy.js';
import type { SqlClient } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';
import { qualified, type Graph } from './graph.js';

export interface Suggestion {
  /** `table.column` (schema left out for `public`). */
  column: string;
  rule: BuiltinMasker | 'safe';
  /** Why: the column's name, its type, or what sampled values look like. */
  reason: string;
}

const SAMPLE = 50;
const BY_NAME: Array<[RegExp, BuiltinMasker]> = [
  [/e_?mail/i, 'email'],
  [/phone|mobile|msisdn|fax/i, 'phone'],
  [/^(first_?name|given_?name|forename)$/i, 'firstName'],
  [/^(last_?name|family_?name|surname)$/i, 'lastName'],
  [/(^|_)(full_?|display_?|user_?)?name$/i, 'name'],
  [/address|street|city|zip|postcode|postal/i, 'address'],
  [/(^|_)ip(_addr(ess)?)?$|remote_addr/i, 'ip'],
  [/token|secret|password|passwd|api_?key|ssn|iban|card/i, 'hash'],
  [/note|comment|bio|description|message|body|content/i, 'text'],
];
const BY_VALUE: Array<[RegExp, BuiltinMasker, string]> = [
  [/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i, 'email', 'sampled values look like email addresses'],
  [/^\+?[\d\s().-]{7,20}$/, 'phone', 'sampled values look like phone numbers'],
  [/^[A-Za-z0-9_\-+/=]{24,}$/, 'hash', 'sampled values look like tokens'],
];

/**
 * `db copy --suggest`: a rule for every column of `tables`, from its name, its type and a sample of
 * its values (read on the copy's snapshot), for a person to review before it goes in the config.
 * Keys, timestamps, numbers and booleans are proposed as safe; anything else as free text.
 */
export async function suggestRules(client: SqlClient, graph: Graph): Promise<Suggestion[]> {
  const out: Suggestion[] = [];
  for (const [key, table] of graph.tables) {
    const shown = key.replace(/^public\./, '');
    const referencing = new Set(graph.references.filter((r) => r.from === key).flatMap((r) => r.columns));
    for (const c of table.columns) {
      if (c.generated) continue;
      const column = `${shown}.${c.name}`;
      const textual = /^(text|character|citext)/.test(c.type);
      const named = textual ? BY_NAME.find(([re]) => re.test(c.name)) : undefined;
      if (c.type === 'inet' || c.type === 'cidr') out.push({ column, rule: 'ip', reason: `type ${c.type}` });
      else if (named) out.push({ column, rule: named[1], reason: `column name "${c.name}"` });
      else if (table.primaryKey.includes(c.name) || referencing.has(c.name)) out.push({ column, rule: 'safe', reason: 'a key' });
      else if (/^(integer|bigint|smallint|numeric|real|double precision|boolean|date|uuid|timestamp|time|interval)/.test(c.type)) out.push({ column, rule: 'safe', reason: `type ${c.type}` });
      else if (/^jsonb?$/.test(c.type)) out.push({ column, rule: 'null', reason: `${c.type}: review it (a function of the row can rewrite it instead)` });
      else if (!textual) out.push({ column, rule: 'safe', reason: `type ${c.type}` });
      else out.push(await byValues(client, key, c.name, column));
    }
  }
  return out;
}

async function byValues(client: SqlClient, table: string, name: string, column: string): Promise<Suggestion> {
  const { rows } = await client.query<{ v: string }>(`select ${quoteIdent(name)}::text as v from ${qualified(table)} where ${quoteIdent(name)} is not null limit ${SAMPLE}`);
  for (const [re, rule, reason] of BY_VALUE) if (rows.length && rows.filter((r) => re.test(r.v)).length >= rows.length * 0.8) return { column, rule, reason };
  const distinct = new Set(rows.map((r) => r.v)).size;
  // A handful of repeated values is a status or a kind, not a person's words.
  if (rows.length >= 10 && distinct <= 5) return { column, rule: 'safe', reason: `${distinct} distinct value(s) in a sample of ${rows.length}` };
  return { column, rule: 'text', reason: rows.length ? 'free text' : 'no values sampled' };
}

import fs from 'node:fs';
import path from 'node:path';
import type { SqlClient } from '../../src/driver/database.js';
import { introspectSchema } from '../../src/schema/introspect.js';
import type { SchemaSnapshot } from '../../src/schema/model.js';

/**
 * The corpus format: one file per family, many cases each.
 *
 *   -- case: add a column
 *   -- a
 *   create table t (id int);
 *   -- b
 *   create table t (id int, name text);
 *   -- expect: ADD COLUMN            (a substring the up plan must hold; repeatable)
 *   -- error: diff_unplannable       (the plan must be refused with this code instead)
 *   -- hints: {"drops": [...]}       (as --hints FILE.json)
 */
export interface Case {
  family: string;
  name: string;
  a: string;
  b: string;
  expect: string[];
  error?: string;
  hints?: string;
}

const CORPUS = path.join(import.meta.dirname, 'corpus');

export function loadCorpus(): Case[] {
  const cases: Case[] = [];
  for (const file of fs.readdirSync(CORPUS).filter((f) => f.endsWith('.sql')).sort()) {
    const family = file.replace(/\.sql$/, '');
    const chunks = fs.readFileSync(path.join(CORPUS, file), 'utf8').split(/^-- case: /m).slice(1);
    for (const chunk of chunks) {
      const [title, ...lines] = chunk.split('\n');
      const c: Case = { family, name: title.trim(), a: '', b: '', expect: [] };
      let section: 'a' | 'b' | null = null;
      for (const line of lines) {
        const directive = /^-- (a|b|expect|error|hints)(?::\s*(.*))?$/.exec(line.trimEnd());
        if (directive && (directive[1] === 'a' || directive[1] === 'b') && directive[2] === undefined) section = directive[1];
        else if (directive?.[1] === 'expect') c.expect.push(directive[2]!);
        else if (directive?.[1] === 'error') c.error = directive[2];
        else if (directive?.[1] === 'hints') c.hints = directive[2];
        else if (section) c[section] += `${line}\n`;
      }
      cases.push(c);
    }
  }
  return cases;
}

/** The snapshot of `client`'s session, read inside its open transaction. */
export function snapshotIn(client: SqlClient): Promise<SchemaSnapshot> {
  return introspectSchema({ session: (fn) => fn(client as never) }, { inTransaction: true });
}

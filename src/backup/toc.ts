import { runToolOrFail, type Tool } from './tools.js';

/**
 * The table data entries of a dump's table of contents, as `pg_restore -l` lists them: dump id →
 * the table's OID. A TABLE DATA entry's catalog id is its table's (pg_dump.c, makeTableDataInfo), so
 * no name (which may hold spaces) has to be parsed: `3339; 0 18287 TABLE DATA public t postgres`.
 */
export async function tableDataEntries(tool: Tool, dump: string): Promise<Map<number, number>> {
  const { stdout } = await runToolOrFail(tool, ['--list', dump], {}, 'pg_restore --list');
  const entries = new Map<number, number>();
  for (const match of stdout.matchAll(/^(\d+); \d+ (\d+) TABLE DATA /gm)) entries.set(Number(match[1]), Number(match[2]));
  return entries;
}

/**
 * A dump's post-data entries in two `pg_restore --use-list` lists: `first`, what must not wait on
 * a reader or be waited on by one (ADD PRIMARY KEY / UNIQUE, triggers, rules, policies: ACCESS
 * EXCLUSIVE on their table, or what depends on them), and `then`, index builds, index attachments
 * and foreign keys, whose locks (SHARE, SHARE UPDATE EXCLUSIVE, SHARE ROW EXCLUSIVE) a reader's
 * ACCESS SHARE does not conflict with. Run in that order, `then` may overlap reads of every table.
 * Both lists keep the listed (dependency) order; a foreign key's key constraint is in `first`.
 */
export async function postDataLists(tool: Tool, dump: string): Promise<{ first: string; then: string }> {
  const { stdout } = await runToolOrFail(tool, ['--list', dump], {}, 'pg_restore --list');
  const first: string[] = [];
  const then: string[] = [];
  for (const line of stdout.split('\n')) {
    const entry = /^\d+; \d+ \d+ (.*)$/.exec(line);
    if (!entry) continue;
    (/^(INDEX|INDEX ATTACH|FK CONSTRAINT) /.test(entry[1]) ? then : first).push(line);
  }
  return { first: `${first.join('\n')}\n`, then: `${then.join('\n')}\n` };
}

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

import { tableContents, type TableContents } from '../catalog/contents.js';
import { listTables, type TableRef } from '../catalog/tables.js';
import { onExportedSnapshot, tableContentsParallel } from '../catalog/parallel-contents.js';
import type { Database } from '../driver/database.js';

/** What a copy leaves: like a backup's manifest, a row count and content digest per table. */
export interface CopyManifest {
  manifestVersion: 1;
  /** The source's snapshot was taken at (server time, UTC). */
  snapshotAt: string;
  tables: TableContents[];
}

/** A table's row count and digest, by `schema.table`, as its stream computed them (stream-digest.ts). */
export type StreamedContents = Map<string, { rows: number; digest: string }>;

/**
 * Row count and digest (the one content digest, src/catalog/contents.ts) of every table that holds
 * rows, leaving out the migration bookkeeping (its timestamps differ each run): two copies of the
 * same source with the same rules have the same manifest. The tables in `streamed` were hashed in
 * their streams, from the very lines the target loaded: the others (kept, partitioned, generated
 * columns, ...) are read back and hashed on the server. With `sessions` > 1 on a server, that
 * hashing is shared out as a backup's is (block ranges on one exported snapshot).
 */
export async function manifestOf(database: Database, leaveOut: (key: string) => boolean, sessions = 1, streamed: StreamedContents = new Map()): Promise<TableContents[]> {
  const mine = (tables: TableRef[]) => tables.filter((t) => !leaveOut(`${t.schema}.${t.table}`));
  const merged = (tables: TableRef[], hashed: TableContents[]): TableContents[] => {
    const byKey = new Map<string, TableContents>(hashed.map((t) => [`${t.schema}.${t.table}`, t]));
    return tables.map((t) => {
      const key = `${t.schema}.${t.table}`;
      const s = streamed.get(key);
      return s ? { ...t, rows: s.rows, digest: s.digest } : byKey.get(key)!;
    });
  };
  const rest = (tables: TableRef[]) => tables.filter((t) => !streamed.has(`${t.schema}.${t.table}`));
  if (sessions > 1 && database.capabilities.concurrentSessions) {
    return onExportedSnapshot(database, async (lead, snapshot) => {
      const tables = mine(await listTables(lead, 'user', { partitions: 'leaves' }));
      return merged(tables, await tableContentsParallel(database, lead, snapshot, rest(tables), { sessions }));
    });
  }
  return database.session(async (client) => {
    await client.query('begin isolation level repeatable read');
    try {
      const tables = mine(await listTables(client, 'user', { partitions: 'leaves' }));
      return merged(tables, await tableContents(client, rest(tables)));
    } finally {
      await client.query('rollback').catch(() => {});
    }
  });
}

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

/**
 * Row count and digest (the one content digest, src/catalog/contents.ts) of every table that holds
 * rows, leaving out the migration bookkeeping (its timestamps differ each run): two copies of the
 * same source with the same rules have the same manifest. With `sessions` > 1 on a server, the
 * hashing is shared out as a backup's is (block ranges on one exported snapshot): it is a whole
 * extra read of every row, as long as the load itself on one session.
 */
export async function manifestOf(database: Database, leaveOut: (key: string) => boolean, sessions = 1): Promise<TableContents[]> {
  const mine = (tables: TableRef[]) => tables.filter((t) => !leaveOut(`${t.schema}.${t.table}`));
  if (sessions > 1 && database.capabilities.concurrentSessions) {
    return onExportedSnapshot(database, async (lead, snapshot) => tableContentsParallel(database, lead, snapshot, mine(await listTables(lead, 'user', { partitions: 'leaves' })), { sessions }));
  }
  return database.session(async (client) => {
    await client.query('begin isolation level repeatable read');
    try {
      return await tableContents(client, mine(await listTables(client, 'user', { partitions: 'leaves' })));
    } finally {
      await client.query('rollback').catch(() => {});
    }
  });
}

import { tableContents, type TableContents } from '../catalog/contents.js';
import { listTables } from '../catalog/tables.js';
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
 * same source with the same rules have the same manifest.
 */
export async function manifestOf(database: Database, leaveOut: (key: string) => boolean): Promise<TableContents[]> {
  return database.session(async (client) => {
    await client.query('begin isolation level repeatable read');
    try {
      const tables = (await listTables(client, 'user', { partitions: 'leaves' })).filter((t) => !leaveOut(`${t.schema}.${t.table}`));
      return await tableContents(client, tables);
    } finally {
      await client.query('rollback').catch(() => {});
    }
  });
}

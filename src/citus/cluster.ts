import type { SqlClient } from '../driver/database.js';

// The cluster's nodes are the driver's (the Citus host decorator makes databases on each of them).
export { citusNodes, nodeUrl, workersOf, type CitusNode } from '../driver/pg/citus-nodes.js';
import type { CitusNode } from '../driver/pg/citus-nodes.js';

/** Whether the coordinator reaches each node (Citus's own check: citus_check_connection_to_node). */
export async function nodeHealth(db: SqlClient, nodes: CitusNode[]): Promise<Array<CitusNode & { reachable: boolean }>> {
  const out: Array<CitusNode & { reachable: boolean }> = [];
  for (const n of nodes) {
    const reachable = await db
      .query<{ ok: boolean }>('select citus_check_connection_to_node($1, $2) as ok', [n.host, n.port])
      .then((r) => r.rows[0].ok, () => false);
    out.push({ ...n, reachable });
  }
  return out;
}

export interface CitusTableShards {
  table: string;
  /** distributed, reference, local (citus_tables' own words). */
  type: string;
  distributionColumn: string | null;
  shards: number;
  /** Shard placements per node (`host:port`). */
  placements: Record<string, number>;
}

/** Every Citus table with its shard count and where the placements are, from the coordinator's metadata. */
export async function citusTableShards(db: SqlClient): Promise<CitusTableShards[]> {
  const { rows } = await db.query<{ table: string; type: string; column: string | null; shards: number; node: string | null; placements: number }>(`
    select p.logicalrelid::regclass::text as table,
           case when p.partmethod = 'h' then 'distributed' when p.repmodel = 't' then 'reference' else 'local' end as type,
           case when p.partmethod = 'h' then column_to_column_name(p.logicalrelid, p.partkey) end as column,
           (select count(*)::int from pg_dist_shard s where s.logicalrelid = p.logicalrelid) as shards,
           n.nodename || ':' || n.nodeport as node, count(pl.placementid)::int as placements
    from pg_dist_partition p
    left join pg_dist_shard s on s.logicalrelid = p.logicalrelid
    left join pg_dist_placement pl on pl.shardid = s.shardid
    left join pg_dist_node n on n.groupid = pl.groupid and n.noderole = 'primary'
    group by 1, 2, 3, 4, 5
    order by 1, 5`);
  const byTable = new Map<string, CitusTableShards>();
  for (const r of rows) {
    const t = byTable.get(r.table) ?? { table: r.table, type: r.type, distributionColumn: r.column, shards: r.shards, placements: {} };
    if (r.node) t.placements[r.node] = r.placements;
    byTable.set(r.table, t);
  }
  return [...byTable.values()];
}

import type { SqlClient } from '../driver/database.js';

/** A node of a Citus cluster, as the coordinator's metadata (pg_dist_node) lists it. */
export interface CitusNode {
  nodeId: number;
  host: string;
  port: number;
  /** 0 = the coordinator. */
  groupId: number;
  role: string;
  active: boolean;
  shouldHaveShards: boolean;
}

export async function citusNodes(db: SqlClient): Promise<CitusNode[]> {
  const { rows } = await db.query<{ nodeid: number; nodename: string; nodeport: number; groupid: number; noderole: string; isactive: boolean; shouldhaveshards: boolean }>(
    `select nodeid, nodename, nodeport, groupid, noderole::text, isactive, shouldhaveshards from pg_dist_node order by groupid, nodeid`,
  );
  return rows.map((r) => ({ nodeId: r.nodeid, host: r.nodename, port: r.nodeport, groupId: r.groupid, role: r.noderole, active: r.isactive, shouldHaveShards: r.shouldhaveshards }));
}

/** The primary workers (groups other than the coordinator's). */
export function workersOf(nodes: CitusNode[]): CitusNode[] {
  return nodes.filter((n) => n.groupId !== 0 && n.role === 'primary');
}

/** The same URL (user, password, options) pointed at another node's database. */
export function nodeUrl(url: string, node: { host: string; port: number }, database: string): string {
  const parsed = new URL(url);
  parsed.hostname = node.host;
  parsed.port = String(node.port);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

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

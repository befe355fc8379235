import type { SqlClient } from '../database.js';

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

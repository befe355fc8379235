import type { Database } from '../driver/database.js';
import { section, type Section } from './report.js';

/**
 * The Citus cluster as the coordinator sees it: nodes and whether the coordinator reaches them,
 * and each distributed or reference table's shards and where they are. Skipped without the extension.
 */
export async function citusSection(database: Database): Promise<Section> {
  if (database.capabilities.distributed !== 'citus') return section('skipped', 'not applicable: the citus extension is not installed', {});
  const { citusNodes, citusTableShards, nodeHealth } = await import('../citus/cluster.js');
  const nodes = await nodeHealth(database, await citusNodes(database));
  const tables = await citusTableShards(database);
  const workers = nodes.filter((n) => n.groupId !== 0);
  const down = nodes.filter((n) => !n.active || !n.reachable);
  const problems = [
    ...down.map((n) => `${n.host}:${n.port} ${!n.active ? 'inactive' : 'unreachable'}`),
    ...(workers.length ? [] : ['no worker registered (citus_add_node)']),
  ];
  const nodeText = `${nodes.length} node(s) (${workers.length} worker(s))${down.length ? '' : ', all reachable'}`;
  const tableText = tables.length
    ? tables.map((t) => `${t.table} ${t.type === 'distributed' ? `${t.shards} shards by ${t.distributionColumn}` : t.type}`).join(', ')
    : 'no distributed or reference tables';
  return section(problems.length ? 'attention' : 'ok', `${problems.length ? `${problems.join('; ')}; ` : ''}${nodeText}; ${tableText}`, {
    nodes: nodes.map((n) => ({ host: n.host, port: n.port, group: n.groupId, role: n.role, active: n.active, reachable: n.reachable, shouldHaveShards: n.shouldHaveShards })),
    tables,
  });
}

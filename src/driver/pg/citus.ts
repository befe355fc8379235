import type pg from 'pg';
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import type { Host } from '../host.js';
import type { ServerTarget } from '../target.js';
import { connectServerClient } from './client.js';
import { citusNodes, nodeUrl, workersOf, type CitusNode } from './citus-nodes.js';
import { pollUntil } from '../../poll-until.js';
import { withOpen } from '../../with-open.js';

/**
 * A server's Host on a Citus cluster. `CREATE DATABASE … TEMPLATE` on the coordinator copies its
 * metadata but not the shards, which live in the same-named database on each worker. So every
 * database is made on every node: an empty one gets the extension everywhere and the workers
 * registered; a copy of a template is `CREATE DATABASE … TEMPLATE` on every node, so coordinator
 * metadata and worker shards stay consistent, with the same node addresses (workers are reached by
 * host, port and the database's own name); a template is frozen on every node, and a drop drops
 * everywhere. What runs in a database (migrations, seeds) goes through the coordinator, whose URL
 * `create` and `urlOf` give.
 *
 * The cluster (coordinator address and workers) is read from the database `target` names
 * (pg_dist_node): undefined when it has no citus extension, no workers, or does not exist yet;
 * then the plain server host serves. This is the one place a host's `distributed` is decided.
 */
export async function citusHost(coordinator: Host, target: ServerTarget): Promise<Host | undefined> {
  const cluster = await readCluster(target);
  if (!cluster) return undefined;
  const nodes = [cluster.coordinator, ...cluster.workers];
  const admins = await connectAdmins(target, nodes);
  const [coordAdmin, ...workerAdmins] = admins;
  const across = `${nodes.length} Citus nodes`;

  const inDatabase = async (node: { host: string; port: number }, database: string, statements: string[]) => {
    await withOpen(connect(nodeUrl(target.url, node, database)), async (c) => {
      for (const s of statements) await c.query(s);
    }, (c) => c.end().catch(() => {}));
  };
  const dropOnWorkers = async (name: string) => {
    for (const w of workerAdmins) {
      await w.query(`alter database ${quoteIdent(name)} with is_template false`).catch(() => {});
      await w.query(`drop database if exists ${quoteIdent(name)} with (force)`);
    }
  };
  /** An empty database with the extension on every node and the workers registered. */
  const citusEnable = async (name: string) => {
    for (const n of nodes) await inDatabase(n, name, ['create extension if not exists citus']);
    await inDatabase(cluster.coordinator, name, [
      `select citus_set_coordinator_host(${quoteLiteral(cluster.coordinator.host)}, ${cluster.coordinator.port})`,
      ...cluster.workers.map((w) => `select citus_add_node(${quoteLiteral(w.host)}, ${w.port})`),
    ]);
  };

  return {
    capabilities: { ...coordinator.capabilities, distributed: 'citus' },
    label: coordinator.label,
    role: coordinator.role,
    urlOf: (name) => coordinator.urlOf(name),
    exists: (name) => coordinator.exists(name),
    sessions: (name) => coordinator.sessions(name),
    list: () => coordinator.list(),
    withLock: (name, timeoutMs, fn) => coordinator.withLock(name, timeoutMs, fn),
    async create(name, { template } = {}) {
      if (!template && (await coordinator.exists(name))) return coordinator.create(name);
      try {
        for (const w of workerAdmins) await w.query(`create database ${quoteIdent(name)}${template ? ` template ${quoteIdent(template)}` : ''}`);
        const made = await coordinator.create(name, { template });
        if (!template) await citusEnable(name);
        return { ...made, strategy: `${made.strategy} on ${across}` };
      } catch (error) {
        await coordinator.drop(name, { force: true }).catch(() => {});
        await dropOnWorkers(name).catch(() => {});
        throw error;
      }
    },
    async drop(name, options) {
      const dropped = await coordinator.drop(name, options);
      await dropOnWorkers(name);
      return dropped;
    },
    async isTemplate(name) {
      if (!(await coordinator.isTemplate(name))) return false;
      for (const w of workerAdmins) if (!(await w.query('select 1 from pg_database where datname = $1 and datistemplate', [name])).rows.length) return false;
      return true;
    },
    async markTemplate(name) {
      // Frozen on the workers too; Citus's maintenance daemon keeps a session on each node's
      // database, which would make every clone fail with "being accessed by other users".
      for (const w of workerAdmins) await freeze(w, name);
      await coordinator.markTemplate(name);
      await freeze(coordAdmin, name);
    },
    async close() {
      await Promise.all(admins.map((c) => c.end().catch(() => {})));
      await coordinator.close();
    },
  };
}

/** A session on each node's `postgres` database; all or none (those opened are closed on a failure). */
async function connectAdmins(target: ServerTarget, nodes: CitusNode[]): Promise<pg.Client[]> {
  const admins: pg.Client[] = [];
  try {
    for (const n of nodes) admins.push(await connect(nodeUrl(target.url, n, 'postgres')));
  } catch (error) {
    await Promise.all(admins.map((c) => c.end().catch(() => {})));
    throw error;
  }
  return admins;
}

/** Marks a database a template nobody may connect to, and ends the sessions it still has. */
async function freeze(admin: pg.Client, name: string): Promise<void> {
  await admin.query(`alter database ${quoteIdent(name)} with is_template true allow_connections false`);
  await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
  // Up to 50 looks, 20 ms apart: a session that outlives that is left to the drop's own wait.
  await pollUntil(async ({ attempt }) => (!(await admin.query('select 1 from pg_stat_activity where datname = $1', [name])).rows.length || attempt >= 50 ? true : undefined), { delayMs: 20, factor: 1 });
}

/** The cluster the database `target` names belongs to, or undefined when it has no Citus (or does not exist yet). */
async function readCluster(target: ServerTarget): Promise<{ coordinator: CitusNode; workers: CitusNode[] } | undefined> {
  let client: pg.Client;
  try {
    client = await connect(target.url);
  } catch {
    return undefined;
  }
  try {
    const { rows } = await client.query(`select exists (select 1 from pg_extension where extname = 'citus') as citus`);
    if (!rows[0].citus) return undefined;
    const nodes = await citusNodes(client);
    const workers = workersOf(nodes);
    if (!workers.length) return undefined;
    const coordinator = nodes.find((n) => n.groupId === 0) ?? { nodeId: 0, host: target.host, port: target.port, groupId: 0, role: 'primary', active: true, shouldHaveShards: false };
    return { coordinator, workers };
  } finally {
    await client.end().catch(() => {});
  }
}

function connect(url: string): Promise<pg.Client> {
  return connectServerClient(url, 'dbctl testdb');
}

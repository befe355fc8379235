import type { SqlClient } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';
import type { MigrationFile } from './files.js';
import type { AppliedMigration } from './store.js';

/**
 * Another migration tool's bookkeeping, found in a database dbctl has not migrated yet: dbmate's
 * `schema_migrations` (a `version` per applied file, the file name's leading digits) and
 * node-pg-migrate's `pgmigrations` (`name`: the file name without extension, and `run_on`). Each
 * applied version that matches a migration file is adopted as applied (Kysely's own tables need no
 * such step: dbctl keeps its bookkeeping in them). Versions with no file are listed, not guessed.
 */
export interface PeerAdoption {
  tool: 'dbmate' | 'node-pg-migrate';
  /** The peer's table, as found (`public.schema_migrations`). */
  table: string;
  /** The migrations adopted, in name order, with the version the peer recorded. */
  adopted: Array<{ name: string; version: string; appliedAt: Date | null }>;
  /** Versions the peer applied that no migration file matches. */
  unmatched: string[];
}

interface Peer {
  tool: PeerAdoption['tool'];
  table: string;
  /** Columns that tell this tool's table from another tool's of the same name. */
  columns: string[];
  /** Not another tool's table of the same name (golang-migrate's schema_migrations has `dirty`). */
  without?: string;
  rows: string;
  match(version: string, files: MigrationFile[]): MigrationFile | undefined;
}

const PEERS: Peer[] = [
  {
    tool: 'dbmate',
    table: 'schema_migrations',
    columns: ['version'],
    without: 'dirty',
    rows: 'select version::text as version, null::timestamptz as run_on from %s',
    // dbmate's version is the file name's leading digits (`20240101120000_create_users.sql`).
    match: (version, files) => files.find((f) => /^\d+/.exec(f.name)?.[0] === version),
  },
  {
    tool: 'node-pg-migrate',
    table: 'pgmigrations',
    columns: ['name', 'run_on'],
    rows: 'select name as version, run_on from %s',
    match: (version, files) => files.find((f) => f.name === version),
  },
];

/**
 * The peers' applied migrations, matched to `files`. One round trip when there is no peer table
 * (the common case), then one per table found.
 */
export async function findPeerAdoptions(db: SqlClient, files: MigrationFile[]): Promise<PeerAdoption[]> {
  const { rows: found } = await db.query<{ tool: string; schema: string; name: string; columns: string[] }>(
    `select p.tool, n.nspname as schema, c.relname as name,
            array(select a.attname::text from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns
       from (values ${PEERS.map((_, i) => `($${2 * i + 1}::text, $${2 * i + 2}::text)`).join(', ')}) as p(tool, name)
       join pg_class c on c.oid = to_regclass(p.name)
       join pg_namespace n on n.oid = c.relnamespace`,
    PEERS.flatMap((p) => [p.tool, p.table]),
  );
  const adoptions: PeerAdoption[] = [];
  for (const table of found) {
    const peer = PEERS.find((p) => p.tool === table.tool)!;
    const columns = new Set(table.columns);
    if (!peer.columns.every((c) => columns.has(c)) || (peer.without && columns.has(peer.without))) continue;
    const relation = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
    const { rows } = await db.query<{ version: string; run_on: Date | string | null }>(peer.rows.replace('%s', relation));
    const adoption: PeerAdoption = { tool: peer.tool, table: `${table.schema}.${table.name}`, adopted: [], unmatched: [] };
    for (const row of rows) {
      const file = peer.match(row.version, files);
      if (file) adoption.adopted.push({ name: file.name, version: row.version, appliedAt: row.run_on ? new Date(row.run_on) : null });
      else adoption.unmatched.push(row.version);
    }
    adoption.adopted.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    adoption.unmatched.sort();
    if (rows.length) adoptions.push(adoption);
  }
  return adoptions;
}

/** What the peers applied, as the rows dbctl would hold once they are adopted (for a read-only status). */
export function asApplied(adoptions: PeerAdoption[]): AppliedMigration[] {
  const byName = new Map<string, AppliedMigration>();
  for (const a of adoptions) {
    for (const m of a.adopted) {
      byName.set(m.name, {
        name: m.name,
        timestamp: (m.appliedAt ?? new Date(0)).toISOString(),
        checksum: null,
        appliedAt: m.appliedAt,
        durationMs: null,
        batch: null,
        appliedBy: `${a.tool} (${a.table})`,
        dbctlVersion: null,
      });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

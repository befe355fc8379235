import { withParsedTarget, type ResolvedConfig } from '../config/resolve.js';
import { capabilitiesOf } from '../driver/host.js';
import type { Database } from '../driver/database.js';
import { assertFleetDestructiveAllowed } from '../guard/fleet.js';
import type { GuardOptions } from '../guard/index.js';
import { redact } from '../secrets.js';
import { isDbctlError, UsageError } from '../errors.js';
import { CONNECTIONS_PER_DATABASE, defaultConcurrency, serverHeadroom } from './servers.js';
import type { Fleet, FleetMember } from './targets.js';

/** Where a database stands: how many migrations are applied, and the last one. */
export interface FleetVersion {
  applied: number;
  last: string | null;
}

/** What an operation reports for one database. */
export interface MemberWork {
  before?: FleetVersion;
  after?: FleetVersion;
  /** Migrations applied (or reverted) by this run. */
  applied?: number;
  detail?: Record<string, unknown>;
}

export interface MemberContext {
  member: FleetMember;
  database: Database;
  /** The run's configuration for this database (its URL; a tenant schema's bookkeeping schema). */
  config: ResolvedConfig;
}

/**
 * The work done on each database; it throws to fail that database (and only it). `destructive`
 * (migrate down, seed, exec): runFleet asks src/guard for the whole fleet before any database opens.
 */
export type FleetOperation = ((context: MemberContext) => Promise<MemberWork>) & { readonly destructive?: boolean };

export interface FleetMemberResult {
  name: string;
  server: string;
  schema?: string;
  /** `skipped`: not started, because of --fail-fast or a failed canary. */
  status: 'ok' | 'failed' | 'skipped';
  before: FleetVersion | null;
  after: FleetVersion | null;
  applied: number;
  durationMs: number;
  error?: { code: string; message: string; hint?: string; exitCode: number };
  detail?: Record<string, unknown>;
}

export type FleetEvent =
  | { type: 'plan'; total: number; concurrency: Record<string, number> }
  | { type: 'start'; member: FleetMember }
  | { type: 'done'; member: FleetMember; result: FleetMemberResult }
  | { type: 'stopped'; reason: 'fail-fast' | 'canary' };

/** `force` and `confirm` (the fleet's name): what a destructive operation needs in a protected environment. */
export interface FleetRunOptions extends GuardOptions {
  fleet: Fleet;
  config: ResolvedConfig;
  /** A name for reports: `migrate up`, `status`, … */
  operationName: string;
  operation: FleetOperation;
  /** Databases worked on at once per server. Default: from each server's free connections (see defaultConcurrency). */
  concurrency?: number;
  /** Start no database after the first failure (those running finish). */
  failFast?: boolean;
  /** Run the first N databases first, and stop if any of them fails. */
  canary?: number;
  onEvent?: (event: FleetEvent) => void;
}

export interface FleetReport {
  fleet: string;
  operation: string;
  /** Per server (`host:port`): databases worked on at once. */
  concurrency: Record<string, number>;
  results: FleetMemberResult[];
  summary: { total: number; ok: number; failed: number; skipped: number; applied: number };
  /** Why databases were skipped, if any were. */
  stopped: 'fail-fast' | 'canary' | null;
  durationMs: number;
}

/**
 * Runs `operation` on every database of the fleet in this process: each database gets its own
 * small pool (two connections: the migrator's run lock and its work), opened for it and closed after,
 * and at most `concurrency` databases of one server are open at once, so the connections a run
 * holds per server are bounded by 2 × concurrency. Tenant schemas of one database run one after
 * another (they share its run lock). A failure fails that database only, unless `failFast` or a
 * failing canary stops the run; the report lists every database either way.
 */
export async function runFleet(options: FleetRunOptions): Promise<FleetReport> {
  const started = performance.now();
  const { fleet, config } = options;
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency > 0)) {
    throw new UsageError(`--concurrency takes a positive whole number, got ${options.concurrency}`);
  }
  if (options.canary !== undefined && !(Number.isInteger(options.canary) && options.canary > 0)) {
    throw new UsageError(`--canary takes a positive whole number, got ${options.canary}`);
  }
  if (options.operation.destructive) {
    await assertFleetDestructiveAllowed({ config, fleet, operation: options.operationName, force: options.force, confirm: options.confirm });
  }
  const concurrency = await concurrencyPerServer(fleet.members, options.concurrency);
  options.onEvent?.({ type: 'plan', total: fleet.members.length, concurrency });
  const results: FleetMemberResult[] = fleet.members.map((m) => skipped(m));
  const index = new Map(fleet.members.map((m, i) => [m, i]));
  const state = { stop: false, stopped: null as FleetReport['stopped'] };

  const runOne = async (member: FleetMember) => {
    if (state.stop) return;
    options.onEvent?.({ type: 'start', member });
    const result = await runMember(member, options);
    results[index.get(member)!] = result;
    options.onEvent?.({ type: 'done', member, result });
    if (result.status === 'failed' && options.failFast && !state.stop) {
      state.stop = true;
      state.stopped = 'fail-fast';
      options.onEvent?.({ type: 'stopped', reason: 'fail-fast' });
    }
  };

  const canary = options.canary ? fleet.members.slice(0, options.canary) : [];
  await runPhase(canary, concurrency, runOne);
  if (canary.some((m) => results[index.get(m)!].status === 'failed') && !state.stop) {
    state.stop = true;
    state.stopped = 'canary';
    options.onEvent?.({ type: 'stopped', reason: 'canary' });
  }
  await runPhase(fleet.members.slice(canary.length), concurrency, runOne);

  const count = (s: FleetMemberResult['status']) => results.filter((r) => r.status === s).length;
  return {
    fleet: fleet.name,
    operation: options.operationName,
    concurrency,
    results,
    summary: { total: results.length, ok: count('ok'), failed: count('failed'), skipped: count('skipped'), applied: results.reduce((n, r) => n + r.applied, 0) },
    stopped: state.stopped,
    durationMs: Math.round(performance.now() - started),
  };
}

const UNKNOWN_HEADROOM_CONCURRENCY = 4;

async function concurrencyPerServer(members: FleetMember[], given: number | undefined): Promise<Record<string, number>> {
  const servers = new Map<string, FleetMember>();
  for (const m of members) if (!servers.has(m.server)) servers.set(m.server, m);
  const out: Record<string, number> = {};
  await Promise.all([...servers].map(async ([server, m]) => {
    if (given !== undefined) out[server] = given;
    // One session at a time (embedded): its databases run one by one.
    else if (!capabilitiesOf(m.target).concurrentSessions) out[server] = 1;
    // A server that cannot be asked fails its own databases below, not the whole run.
    else out[server] = await serverHeadroom(m.url).then(defaultConcurrency, () => UNKNOWN_HEADROOM_CONCURRENCY);
  }));
  return out;
}

/**
 * Works through `members` with, per server, `concurrency[server]` workers taking lanes in order;
 * a lane's members (tenant schemas of one database) run in sequence.
 */
async function runPhase(members: FleetMember[], concurrency: Record<string, number>, runOne: (m: FleetMember) => Promise<void>): Promise<void> {
  const byServer = new Map<string, FleetMember[][]>();
  const lanes = new Map<string, FleetMember[]>();
  for (const m of members) {
    let lane = lanes.get(m.lane);
    if (!lane) {
      lanes.set(m.lane, (lane = []));
      byServer.set(m.server, [...(byServer.get(m.server) ?? []), lane]);
    }
    lane.push(m);
  }
  await Promise.all([...byServer].flatMap(([server, queue]) =>
    Array.from({ length: Math.min(concurrency[server] ?? 1, queue.length) }, async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) for (const m of lane) await runOne(m);
    }),
  ));
}

async function runMember(member: FleetMember, options: FleetRunOptions): Promise<FleetMemberResult> {
  const { config } = options;
  const started = performance.now();
  const base = { name: member.name, server: member.server, ...(member.schema ? { schema: member.schema } : {}) };
  let database: Database | undefined;
  try {
    const { openDatabaseFor } = await import('../driver/open-for.js');
    database = await openDatabaseFor(config, 'fleet', { target: member.target, poolSize: CONNECTIONS_PER_DATABASE });
    const work = await options.operation({ member, database, config: memberConfig(config, member) });
    return { ...base, status: 'ok', before: work.before ?? null, after: work.after ?? work.before ?? null, applied: work.applied ?? 0, durationMs: elapsed(started), ...(work.detail ? { detail: work.detail } : {}) };
  } catch (error) {
    const partial = (error as { fleetWork?: MemberWork }).fleetWork;
    return {
      ...base,
      status: 'failed',
      before: partial?.before ?? null,
      after: partial?.after ?? partial?.before ?? null,
      applied: partial?.applied ?? 0,
      durationMs: elapsed(started),
      error: describeError(error),
    };
  } finally {
    await database?.close().catch(() => {});
  }
}

/** The configuration one database of the fleet runs with: its URL, and for a tenant schema its bookkeeping there. */
export function memberConfig(config: ResolvedConfig, member: FleetMember): ResolvedConfig {
  const url = { ...withParsedTarget(config, member.target), urlSource: config.urlSource, urlOrigin: `fleet member ${member.name}` };
  if (!member.schema) return url;
  return { ...url, migrations: { ...config.migrations, schema: member.schema }, reset: { ...config.reset, schemas: [member.schema] } };
}

function describeError(error: unknown): NonNullable<FleetMemberResult['error']> {
  if (isDbctlError(error)) return { code: error.code, message: redact(error.message), ...(error.hint ? { hint: redact(error.hint) } : {}), exitCode: error.exitCode };
  const e = error as { code?: string; message?: string };
  const sqlstate = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  return { code: sqlstate ? `sqlstate_${sqlstate}` : 'error', message: redact(String(e?.message ?? error)), exitCode: 1 };
}

function skipped(m: FleetMember): FleetMemberResult {
  return { name: m.name, server: m.server, ...(m.schema ? { schema: m.schema } : {}), status: 'skipped', before: null, after: null, applied: 0, durationMs: 0 };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

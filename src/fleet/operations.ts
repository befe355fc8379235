import type { DownOptions, RunReport, StatusReport, UpOptions } from '../migrate/migrator.js';
import { alreadyAllowed } from '../guard/index.js';
import { CheckFailedError } from '../errors.js';
import type { MemberContext, FleetOperation, FleetVersion, MemberWork } from './run.js';
import { seedConfig } from '../config/props.js';

/** Marks an operation destructive: runFleet guards the fleet before it runs. */
function destructive(operation: (context: MemberContext) => Promise<MemberWork>): FleetOperation {
  return Object.assign(operation, { destructive: true });
}

/** Where the status says a database stands (applied = recorded in it, whether or not the file still exists). */
export function versionOf(status: StatusReport): FleetVersion {
  const applied = status.migrations.filter((m) => m.state !== 'pending');
  return { applied: applied.length, last: applied.length ? applied[applied.length - 1].name : null };
}

async function migrator(context: MemberContext) {
  const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
  return new Migrator({ database: context.database, ...migratorConfig(context.config) });
}

/** Attaches what was known before the failure, so the report shows where the database stands. */
function failing(error: unknown, work: MemberWork): never {
  if (error && typeof error === 'object') Object.assign(error, { fleetWork: work });
  throw error;
}

export const fleetStatus: FleetOperation = async (context) => {
  const status = await (await migrator(context)).status();
  const version = versionOf(status);
  return { before: version, after: version, detail: { ...status.summary } };
};

export const fleetVerify: FleetOperation = async (context) => {
  const m = await migrator(context);
  const status = await m.status();
  const before = versionOf(status);
  try {
    await m.verify();
    refuseNeverMigrated(status);
  } catch (error) {
    failing(error, { before });
  }
  return { before, detail: { ...status.summary } };
};

/**
 * A member with migrations to apply and none applied passes `verify` on its own (nothing applied
 * differs from its file), but in a fleet it is the sign of a database that was never migrated: a
 * pattern that picked up the wrong one, or a tenant that was added and forgotten.
 */
function refuseNeverMigrated(status: StatusReport): void {
  if (status.summary.applied > 0 || status.summary.pending === 0) return;
  throw new CheckFailedError(`no migration is applied here (${status.summary.pending} pending): was this database ever migrated?`, {
    hint: 'run `dbctl fleet … migrate up` for it, or leave it out of the fleet if it is not one of its databases',
    data: { pending: status.summary.pending },
  }, 'never_migrated');
}

function lastOf(last: string | null, report: RunReport): string | null {
  for (const r of report.results) if (r.status === 'success' && (last === null || r.name > last)) last = r.name;
  return last;
}

function successes(report: RunReport): number {
  return report.results.filter((r) => r.status === 'success').length;
}

/** `migrate up` (or `down`) on one database, with its version before and after. */
function migrate(direction: 'up' | 'down', options: UpOptions | DownOptions): FleetOperation {
  return async (context) => {
    const m = await migrator(context);
    const before = versionOf(await m.status());
    let report: RunReport;
    try {
      // runFleet allowed the fleet as a whole: a member's down does not ask again.
      report = direction === 'up' ? await m.up(options as UpOptions) : await m.down({ ...(options as DownOptions), ...alreadyAllowed(context.database.target) });
    } catch (error) {
      const results = (error as { data?: { results?: RunReport['results'] } }).data?.results ?? [];
      const done = results.filter((r) => r.status === 'success').length;
      const after = await m.status().then(versionOf, () => undefined);
      failing(error, { before, after, applied: done });
    }
    const applied = successes(report);
    // After `up` the database stands at the last migration applied (no second read); after `down`, read it.
    const after = !applied ? before : direction === 'up' ? { applied: before.applied + applied, last: lastOf(before.last, report) } : versionOf(await m.status());
    return { before, after, applied, detail: { batch: report.batch } };
  };
}

export const fleetUp = (options: UpOptions = {}): FleetOperation => migrate('up', options);
export const fleetDown = (options: DownOptions = {}): FleetOperation => destructive(migrate('down', options));

export interface FleetSeedOptions {
  only?: string[];
  scale?: number;
  seed?: number;
}

export const fleetSeed = (options: FleetSeedOptions = {}): FleetOperation => destructive(async (context) => {
  const { runSeeds } = await import('../seed/index.js');
  const props = seedConfig(context.config);
  const report = await runSeeds({ ...props, database: context.database, only: options.only, scale: options.scale ?? props.scale, seed: options.seed ?? props.seed, ...alreadyAllowed(context.database.target) });
  const rows = Object.values(report.totals).reduce((n, t) => n + t.inserted + t.updated + t.deleted, 0);
  return { detail: { seeds: report.seeds.length, rows, totals: report.totals } };
});

/** Runs one SQL script on each database, in one transaction per database. */
export const fleetExec = (text: string): FleetOperation => destructive(async (context) => {
  const { sql } = await import('kysely');
  await context.database.transaction({ reset: true }, async (trx) => void (await sql.raw(text).execute(trx)));
  return {};
});

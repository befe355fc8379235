import type { Command } from 'commander';
import type { ConfigOverrides } from '../../../config/resolve.js';
import type { FleetEvent, FleetOperation } from '../../../fleet/index.js';
import { commandContext, type CommandContext } from '../../context.js';
import { announceFleet, fleetProgress, listFleetMembers, renderFleetReport } from '../../render/fleet.js';

interface FleetOptions {
  fleet?: string;
  allDatabases?: string;
  concurrency?: number;
  failFast?: boolean;
  canary?: number;
  force?: boolean;
  confirm?: string;
}

export interface RunSettings {
  check?: boolean;
  /** The command changes the databases: the members are listed before it runs (a destructive operation is guarded by runFleet). */
  writes?: boolean;
  /** The command reads the migrations folder (default true). */
  migrations?: boolean;
  overrides?: ConfigOverrides;
}

/** What every fleet subcommand does around its operation: select, guard, run with progress, render, exit. */
export async function runOnFleet(command: Command, operationName: string, operation: (ctx: CommandContext) => FleetOperation | Promise<FleetOperation>, settings: RunSettings = {}): Promise<void> {
  const opts = command.optsWithGlobals() as FleetOptions;
  const ctx = await commandContext(command, settings.overrides ?? {});
  const [fleets, { assertMigrationsFolder }] = await Promise.all([import('../../../fleet/index.js'), import('../../../config/folders.js')]);
  if (settings.migrations !== false) assertMigrationsFolder(ctx.config.migrations.dir);
  const op = await operation(ctx);
  const fleet = await fleets.resolveFleet(ctx.config, { fleet: opts.fleet, allDatabases: opts.allDatabases });
  announceFleet(ctx, fleet, opts.allDatabases ? '--all-databases' : `fleets.${fleet.name}`);
  fleets.assertFleetNotEmpty(fleet, opts);
  const progress = await fleetProgress(ctx, fleet);
  // Listed once runFleet has guarded the fleet and planned the run ('plan'), before any database changes.
  const onEvent = (e: FleetEvent) => {
    if (e.type === 'plan' && (settings.writes ?? op.destructive)) listFleetMembers(ctx, fleet, operationName);
    progress?.update(e);
  };
  // Fleets confirm by --confirm FLEET only: no terminal prompt.
  const report = await fleets
    .runFleet({ fleet, config: ctx.config, operationName, operation: op, force: opts.force, confirm: opts.confirm, concurrency: opts.concurrency, failFast: opts.failFast, canary: opts.canary, onEvent })
    .finally(() => progress?.stop());
  renderFleetReport(ctx, report);
  const error = fleets.fleetOutcome(report, { check: settings.check });
  if (error) throw error;
}

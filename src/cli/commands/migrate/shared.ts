import type { Database } from '../../../driver/database.js';
import type { MigrateEvent, Migrator } from '../../../migrate/migrator.js';
import { withDatabase, type CommandContext } from '../../context.js';
import { renderMigrateEvent } from '../../render/migrate.js';

/**
 * The configured database for a migrate command, once the migrations folder is known to exist (a
 * wrong folder must not even create an embedded database). Kysely loads only if the work needs it.
 */
export async function withMigrationsDatabase<T>(ctx: CommandContext, fn: (database: Database) => Promise<T>): Promise<T> {
  const { assertMigrationsFolder } = await import('../../../config/folders.js');
  assertMigrationsFolder(ctx.config.migrations.dir);
  return withDatabase(ctx, fn);
}

/** A Migrator on the configured database, its events rendered as they come. */
export async function withMigrator<T>(ctx: CommandContext, fn: (migrator: Migrator, database: Database) => Promise<T>): Promise<T> {
  const { Migrator, migratorConfig } = await import('../../../migrate/migrator.js');
  const props = { ...migratorConfig(ctx.config), onEvent: (e: MigrateEvent) => renderMigrateEvent(ctx, e) };
  return withMigrationsDatabase(ctx, (database) => fn(new Migrator({ database, ...props }), database));
}

import { configOrigin } from '../config/props.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { openDatabaseFor } from '../driver/open-for.js';
import { isDbctlError } from '../errors.js';
import { configSection, connectionSection, extensionsSection, lockSection, migrationsSection, pgliteSection, sessionsSection, typesSection } from './checks.js';
import { section, SECTIONS, type DoctorReport, type Section, type SectionName } from './report.js';

export type { DoctorReport, Section, SectionName, SectionStatus } from './report.js';

/**
 * Everything worth knowing before running migrations or tests against a database, in one report.
 * Never throws for what it finds: a check that fails becomes a section needing attention, and the
 * checks that need a connection are 'unknown' when there is none.
 */
export async function runDoctor(config: ResolvedConfig): Promise<DoctorReport> {
  const sections = {} as Record<SectionName, Section>;
  sections.config = configSection(configOrigin(config));
  const embedded = pgliteSection(config.target);
  sections.pglite = embedded;
  // Opening a missing embedded directory would create it (initdb): report instead of repairing.
  // (On a server the section is skipped, never 'attention'.)
  const embeddedMissing = embedded.status === 'attention';
  let database: Database | undefined;
  if (embeddedMissing) sections.connection = section('attention', `not opened: ${embedded.summary}`);
  else {
    try {
      database = await openDatabaseFor(config, 'doctor');
    } catch (error) {
      sections.connection = section('attention', `cannot connect: ${messageOf(error)}`, { error: isDbctlError(error) ? error.toJSON() : { message: messageOf(error) } });
    }
  }
  try {
    const checks: Array<[SectionName, (db: Database) => Promise<Section>]> = [
      ['connection', (db) => connectionSection(db, config)],
      ['extensions', (db) => extensionsSection(db, config)],
      ['migrations', (db) => migrationsSection(db, config)],
      ['lock', (db) => lockSection(db)],
      ['sessions', (db) => sessionsSection(db, config)],
      ['types', (db) => typesSection(db, config)],
      ['citus', async (db) => (await import('./citus.js')).citusSection(db)],
    ];
    for (const [name, check] of checks) {
      if (!database) {
        sections[name] ??= section('unknown', 'unknown: no connection');
        continue;
      }
      try {
        sections[name] = await check(database);
      } catch (error) {
        sections[name] = section('attention', `check failed: ${messageOf(error)}`);
      }
    }
  } finally {
    await database?.close();
  }
  const ordered = Object.fromEntries(SECTIONS.map((name) => [name, sections[name]])) as Record<SectionName, Section>;
  const attention = SECTIONS.filter((name) => ordered[name].status === 'attention');
  return { ok: attention.length === 0, attention, sections: ordered };
}

function messageOf(error: unknown): string {
  return String((error as Error)?.message ?? error);
}

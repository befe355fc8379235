import path from 'node:path';
import type { LintConfig } from '../config/define.js';
import type { MigratorProps } from '../migrate/migrator.js';
import type { ThrowawaySettings } from '../database/throwaway.js';
import type { Database } from '../driver/database.js';
import { UsageError } from '../errors.js';
import { listMigrationFiles, type MigrationFile } from '../migrate/files.js';
import type { MigrationStatusEntry } from '../migrate/plan.js';
import type { Direction } from '../migrate/runner.js';
import { levelOf, lintSettings, NOT_IN_DOWN } from './rules.js';
import { findSquawk, runSquawk, type SquawkBinary } from './squawk.js';
import { isIgnored } from './ignores.js';
import { indexTables, mootInUnit } from './own-tables.js';
import { COVERED_SQUAWK_RULES, TRANSACTION_BLOCK, transactionBlockFindings } from './transaction-block.js';
import { moduleUnits, sqlUnits, statementAt, statementLineAt, type LintUnit } from './units.js';

export interface LintFinding {
  rule: string;
  level: 'warn' | 'error';
  /** Who found it: squawk, or dbctl's own rules (judged against the live database). */
  source: 'squawk' | 'dbctl';
  migration: string;
  /** Relative to the project folder. */
  file: string;
  direction: Direction;
  /** 1-based; for a TS/JS migration, the line of `statement` in the captured SQL is meaningless, so absent. */
  line?: number;
  col?: number;
  /** TS/JS migrations: the captured statement the finding is about. */
  statement?: string;
  message: string;
  help?: string;
}

export interface LintReport {
  ok: boolean;
  migrations: { name: string; state: MigrationStatusEntry['state']; kind: MigrationFile['kind'] }[];
  findings: LintFinding[];
  summary: { migrations: number; errors: number; warnings: number };
  squawk: { available: true; version: string } | { available: false; reason: string };
  serverVersion: string;
  /** What was not linted, and why. */
  notes: string[];
}

export { lintConfig } from '../config/props.js';

/**
 * What lint needs, and nothing more; `lintConfig(config)` gives them as the resolved config has
 * them: `lintMigrations({ database, ...lintConfig(config) })`.
 */
export interface LintOptions {
  database: Database;
  /** The migrations folder and the Migrator's settings (`migratorConfig`): status, bookkeeping, the production Postgres major, and `cwd` for the paths reported. */
  migrator: Omit<MigratorProps, 'database' | 'onEvent' | 'migrations'> & { migrations: string };
  /** Rule levels (`lint.rules`), checked when lint runs. Default: every rule at its own level. */
  rules?: LintConfig['rules'];
  /** A table holding at least this many rows is large. Default 100 000. */
  largeTableRows?: number;
  /** Where TS/JS migrations run to capture their SQL: a throwaway database beside the configured one. */
  scratch: ThrowawaySettings;
  /** Lint these migrations (any state) instead of the pending ones. */
  names?: string[];
  /** Lint every migration, applied ones too. */
  all?: boolean;
  /** Which squawk to run (default: the platform package's binary); `{ available: false }` runs dbctl's rules only. */
  squawk?: SquawkBinary;
}

/**
 * Lints migrations before they run: squawk on each `.sql` section and on the SQL each TS/JS
 * migration sends (captured on a throwaway database), told each one's transaction mode and the
 * target's Postgres version; and dbctl's own rules, which look at the live database for the
 * tables a pending migration locks. Nothing on the target changes.
 */
export async function lintMigrations(options: LintOptions): Promise<LintReport> {
  const { database, migrator } = options;
  const cwd = migrator.cwd ?? process.cwd();
  const settings = lintSettings({ rules: options.rules, largeTableRows: options.largeTableRows });
  const { Migrator } = await import('../migrate/migrator.js');
  const status = await new Migrator({ database, ...migrator }).status();
  const entries = select(status.migrations, options);
  const files = listMigrationFiles(migrator.migrations);
  const squawk = options.squawk ?? findSquawk();
  const serverVersion = await versionOf(database);
  const notes: string[] = [];
  if (!squawk.available) notes.push(`squawk's rules skipped: ${squawk.reason}`);

  const units: LintUnit[] = [];
  const live = new Set(entries.filter((e) => e.state === 'pending').map((e) => e.name));
  for (const e of entries) if (e.kind === 'sql') units.push(...(await sqlUnits(e.name, e.file!, live.has(e.name))));
  if (entries.some((e) => e.kind === 'module')) {
    const { captureModules } = await import('./capture.js');
    const captured = await captureModules(options.scratch, migrator, files, new Set(entries.map((e) => e.name)));
    for (const e of entries.filter((x) => x.kind === 'module')) units.push(...(await moduleUnits(e.name, e.file!, captured.get(e.name)!, live.has(e.name), notes)));
  }

  const findings: LintFinding[] = [];
  const add = (unit: LintUnit, f: Omit<LintFinding, 'level' | 'migration' | 'file' | 'direction'>) => {
    const level = levelOf(settings, f.rule);
    if (level === 'off' || (unit.direction === 'down' && NOT_IN_DOWN.has(f.rule))) return;
    // What migrate up refuses cannot be waved through by a comment: the run would still fail.
    if (f.rule !== TRANSACTION_BLOCK && f.rule !== 'postgres-version' && isIgnored(unit.ignores, f.rule, f.line === undefined ? undefined : statementLineAt(unit, f.line))) return;
    const located = unit.kind === 'module' && f.line !== undefined ? { statement: unit.statements[statementIndex(unit, f.line)]?.sql } : { line: f.line, col: f.col };
    const { rule, source, message, help } = f;
    findings.push({ rule, level, source, migration: unit.migration, file: path.relative(cwd, unit.file), direction: unit.direction, ...located, message, help });
  };

  // The embedded database is Postgres 18: what the production server's older major refuses.
  const production = database.capabilities.standIn ? migrator.postgresVersion : undefined;
  if (production) for (const { unit, finding } of await (await import('./server-version.js')).postgresVersionFindings(database, units, production)) add(unit, finding);

  const refused = new Map<LintUnit, Set<number>>();
  for (const unit of units) {
    const found = transactionBlockFindings(unit);
    if (found.length) refused.set(unit, new Set(found.map((f) => statementAt(unit, f.line!, f.col!))));
    for (const f of found) add(unit, f);
  }
  if (squawk.available) {
    const found = await runSquawk(squawk.path, units, { settings, pgVersion: production ? `${production}.0` : serverVersion, cwd });
    // squawk's findings about a table the same section creates before, or drops after, are moot.
    const indexes = await indexTables(database, units);
    const moot = new Map(units.map((u) => [u, mootInUnit(u, indexes)]));
    for (const f of found) {
      const unit = units[f.input];
      if (moot.get(unit)!(f.rule, f.line, f.col)) continue;
      if (COVERED_SQUAWK_RULES.has(f.rule) && refused.get(unit)?.has(statementAt(unit, f.line, f.col))) continue;
      add(unit, { rule: f.rule, source: 'squawk', line: f.line, col: f.col, message: f.message, help: f.help ?? undefined });
    }
  }
  const { largeTableFindings } = await import('./large-table-rules.js');
  for (const { unit, finding } of await largeTableFindings(database, units.filter((u) => u.live), settings)) add(unit, finding);

  findings.sort(byPosition(units));
  const errors = findings.filter((f) => f.level === 'error').length;
  return {
    ok: errors === 0,
    migrations: entries.map((e) => ({ name: e.name, state: e.state, kind: e.kind! })),
    findings,
    summary: { migrations: entries.length, errors, warnings: findings.length - errors },
    squawk: squawk.available ? { available: true, version: squawk.version } : squawk,
    serverVersion,
    notes,
  };
}

function select(entries: MigrationStatusEntry[], options: LintOptions): MigrationStatusEntry[] {
  const withFile = entries.filter((e) => e.file);
  if (options.names?.length) {
    const unknown = options.names.filter((n) => !withFile.some((e) => e.name === n));
    if (unknown.length) throw new UsageError(`migrate lint: no migration file named ${unknown.map((n) => `"${n}"`).join(', ')}`);
    return withFile.filter((e) => options.names!.includes(e.name));
  }
  return options.all ? withFile : withFile.filter((e) => e.state === 'pending');
}

/** `15.8`, `17.5`: what squawk's --pg-version takes (the server may add a distribution suffix). */
async function versionOf(database: Database): Promise<string> {
  const { rows } = await database.query<{ v: string }>("select current_setting('server_version') as v");
  return /^\d+(\.\d+)?/.exec(rows[0].v)?.[0] ?? rows[0].v;
}

function statementIndex(unit: LintUnit, line: number): number {
  let k = 0;
  while (k + 1 < unit.statements.length && unit.statements[k + 1].line <= line) k++;
  return k;
}

function byPosition(units: LintUnit[]) {
  const order = new Map(units.map((u, k) => [`${u.migration}:${u.direction}`, k]));
  return (a: LintFinding, b: LintFinding) =>
    a.migration.localeCompare(b.migration) ||
    (order.get(`${a.migration}:${a.direction}`) ?? 0) - (order.get(`${b.migration}:${b.direction}`) ?? 0) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.col ?? 0) - (b.col ?? 0) ||
    a.rule.localeCompare(b.rule);
}

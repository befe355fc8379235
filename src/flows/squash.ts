import fs from 'node:fs';
import path from 'node:path';
import { summaryConfig } from '../config/props.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { CheckFailedError, UsageError } from '../errors.js';
import { listMigrationFiles, type MigrationFile } from '../migrate/files.js';
import { SQUASHES_LINE } from '../migrate/squash-baseline.js';
import { withThrowawayDatabase } from '../database/throwaway.js';

/**
 * `dbctl migrate squash [--to NAME] [--delete]`: the migrations up to NAME become one baseline
 * migration holding the schema as `schema dump` writes it and the rows the migrations inserted
 * (reference data: the tables that are not empty on a freshly migrated database). Verified before
 * anything is written: a database built from the squash and one built from the full history have
 * the same schema (no drift) and the same `summary --digest`, and `migrate test` passes on the new
 * folder. Then the baseline is written and the squashed files archived (`.squashed/BASELINE/` in
 * the migrations folder, which dbctl does not read) or deleted. The remaining files are untouched.
 */
export interface SquashOptions {
  config: ResolvedConfig;
  /** The target database: without `to`, the squash covers what it has applied (else every migration). */
  database?: Database;
  to?: string;
  delete?: boolean;
  onEvent?: (event: SquashEvent) => void;
}

export type SquashEvent = { type: 'step'; message: string };

export interface SquashReport {
  baseline: { name: string; file: string };
  squashed: string[];
  remaining: number;
  /** Tables whose rows the baseline inserts (reference data), with their row counts. */
  data: Array<{ schema: string; table: string; rows: number }>;
  archivedTo: string | null;
  deleted: boolean;
}

export async function squashMigrations(options: SquashOptions): Promise<SquashReport> {
  const { config } = options;
  const dir = config.migrations.dir;
  const files = listMigrationFiles(dir);
  const to = options.to ?? (await lastApplied(options, files)) ?? files.at(-1)?.name;
  if (!to) throw new UsageError(`squash: ${path.relative(config.cwd, dir) || dir} holds no migrations`);
  if (!files.some((f) => f.name === to)) throw new UsageError(`--to: no migration named "${to}"`);
  const squashed = files.filter((f) => f.name <= to);
  const remaining = files.filter((f) => f.name > to);
  const name = baselineName(to);
  if (remaining.some((f) => f.name <= name)) throw new UsageError(`squash: the baseline ${name} would not sort before ${remaining[0].name}`, { hint: 'pick another --to' });
  const step = (message: string) => options.onEvent?.({ type: 'step', message });
  await refusePlaceholders(squashed);

  step(`building a database from the full history (${files.length} migrations)`);
  const history = await fromHistory(config, to);
  const baselineText = composeBaseline(squashed, history.dump, history.rows);
  const scratch = fs.mkdtempSync(path.join(path.dirname(dir), '.dbctl-squash-'));
  try {
    fs.writeFileSync(path.join(scratch, `${name}.sql`), baselineText);
    for (const f of remaining) fs.copyFileSync(f.file, path.join(scratch, path.basename(f.file)));
    const squashConfig: ResolvedConfig = { ...config, migrations: { ...config.migrations, dir: scratch } };
    step(`building a database from the squash (1 baseline + ${remaining.length} migrations) and comparing`);
    const fresh = await built(squashConfig, undefined);
    await verifySame(history.full, fresh);
    // With nothing after the baseline, migrate test would only run the baseline's up again (built
    // above) and find it irreversible: it is run when there are migrations to round-trip on top.
    const { testMigrations } = await import('./round-trip.js');
    if (remaining.length) step('migrate test on the squashed folder');
    const test = remaining.length ? await testMigrations({ config: squashConfig }) : { ok: true, failed: null, results: [] };
    if (!test.ok) {
      const bad = test.results.find((r) => r.name === test.failed);
      throw new CheckFailedError(`squash: migrate test fails on the squashed folder at ${test.failed}${bad?.error ? `: ${bad.error}` : ''}; nothing was written`, { data: { test } }, 'squash_unverified');
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  const file = path.join(dir, `${name}.sql`);
  fs.writeFileSync(file, baselineText);
  const archive = options.delete ? null : path.join(dir, '.squashed', name);
  if (archive) fs.mkdirSync(archive, { recursive: true });
  for (const f of squashed) {
    if (archive) fs.renameSync(f.file, path.join(archive, path.basename(f.file)));
    else fs.rmSync(f.file);
  }
  return { baseline: { name, file }, squashed: squashed.map((f) => f.name), remaining: remaining.length, data: history.data, archivedTo: archive, deleted: !!options.delete };
}

/** `20240101120000_x` → `20240101120000_squash`: sorts right after what it replaces. */
export function baselineName(last: string): string {
  const prefix = /^\d+/.exec(last)?.[0];
  return prefix ? `${prefix}_squash` : `${last}_squash`;
}

async function lastApplied(options: SquashOptions, files: MigrationFile[]): Promise<string | undefined> {
  if (!options.database) return undefined;
  const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
  const status = await new Migrator({ database: options.database, ...migratorConfig(options.config) }).status();
  const applied = status.migrations.filter((m) => m.state === 'applied' && files.some((f) => f.name === m.name));
  return applied.at(-1)?.name;
}

interface Built {
  snapshot: import('../schema/model.js').SchemaSnapshot;
  digests: Array<{ schema: string; table: string; rows: number; digest?: string }>;
}

/** Up to `to`: the schema dump and the rows the migrations inserted; then the rest, for the comparison. */
async function fromHistory(config: ResolvedConfig, to: string): Promise<{ dump: string; rows: string[]; data: SquashReport['data']; full: Built }> {
  let dump = '';
  let rows: string[] = [];
  let data: SquashReport['data'] = [];
  const full = await built(config, async (database, migrator) => {
    await migrator.up({ to });
    const [{ introspectSchema, dumpSchema }, { summarizeTables }, { rowsAsSql, sequencesAsSql }] = await Promise.all([
      import('../schema/index.js'), import('../seed/summary.js'), import('../catalog/rows-sql.js'),
    ]);
    dump = dumpSchema(await introspectSchema(database, { migrations: config.migrations }));
    const { listTables } = await import('../catalog/tables.js');
    const { schema, table, lockTable, historyTable } = config.migrations;
    const bookkeeping = new Set([table, lockTable, historyTable].map((t) => `${schema}.${t}`));
    await database.session(async (client) => {
      const tables = (await listTables(client, 'user')).filter((t) => !bookkeeping.has(`${t.schema}.${t.table}`));
      const counted = [];
      for (const t of tables) {
        const { rows: n } = await client.query<{ n: string }>(`select count(*) as n from ${`"${t.schema.replace(/"/g, '""')}"."${t.table.replace(/"/g, '""')}"`}`);
        if (Number(n[0].n)) counted.push({ ...t, rows: Number(n[0].n) });
      }
      data = counted;
      rows = [...(await rowsAsSql(client, counted)), ...(await sequencesAsSql(client))];
    });
    void summarizeTables;
  });
  return { dump, rows, data, full };
}

/** A throwaway database migrated by `config`'s folder (after `before`, if given): its schema and digests. */
async function built(config: ResolvedConfig, before: ((database: Database, migrator: import('../migrate/migrator.js').Migrator) => Promise<void>) | undefined): Promise<Built> {
  const [{ Migrator, migratorConfig }, { introspectSchema }, { summarizeTables }] = await Promise.all([
    import('../migrate/migrator.js'), import('../schema/index.js'), import('../seed/summary.js'),
  ]);
  return withThrowawayDatabase(config, async (database) => {
    const migrator = new Migrator({ database, ...migratorConfig(config) });
    if (before) await before(database, migrator);
    await migrator.up();
    return { snapshot: await introspectSchema(database, { migrations: config.migrations }), digests: await summarizeTables(database, summaryConfig(config), { digest: true }) };
  });
}

async function verifySame(history: Built, squash: Built): Promise<void> {
  const { diffSchemas, describeSchemaDiff } = await import('../schema/index.js');
  const diff = diffSchemas(history.snapshot, squash.snapshot);
  if (!diff.equal) {
    const lines = describeSchemaDiff(diff, { missing: 'only in the database built from history', extra: 'only in the database built from the squash' });
    throw new CheckFailedError(`squash: a database built from the squash differs from one built from the history; nothing was written\n${lines.join('\n')}`, { data: { diff } }, 'squash_unverified');
  }
  const differing = history.digests.filter((h) => squash.digests.find((s) => s.schema === h.schema && s.table === h.table)?.digest !== h.digest);
  if (differing.length || history.digests.length !== squash.digests.length) {
    throw new CheckFailedError(`squash: the rows differ between a database built from the squash and one built from the history (summary --digest) in ${differing.map((t) => `${t.schema}.${t.table}`).join(', ') || 'the table list'}; nothing was written`, {
      hint: 'a trigger that rewrites rows on insert, or rows a later migration depends on in order, can cause this; squash to an earlier --to',
      data: { differing },
    }, 'squash_unverified');
  }
}

function composeBaseline(squashed: MigrationFile[], dump: string, rows: string[]): string {
  const header = [
    `-- squash baseline: written by \`dbctl migrate squash\`; it stands for ${squashed.length} migration(s) (archived in .squashed/ unless deleted).`,
    ...squashed.map((f) => `${SQUASHES_LINE}${f.name}`),
    '-- A database that has every one of them applied records this baseline as applied without running it;',
    '-- one with only some of them is refused. Do not edit the lines above.',
    '',
    '-- migrate:up',
  ];
  const schema = dump.split('\n').filter((line) => !line.startsWith('-- The database schema, written by') && !line.startsWith('-- Deterministic:')).join('\n').trim();
  const data = rows.length ? `\n\n-- Rows the squashed migrations inserted (reference data), and where their sequences stood\n\n${rows.join('\n')}` : '';
  return `${header.join('\n')}\n${schema}${data}\n\n-- migrate:down irreversible\n`;
}

/** A baseline holds the schema one environment built: placeholders' values (a password, a tenant's schema) would be frozen into it. */
async function refusePlaceholders(files: MigrationFile[]): Promise<void> {
  const { findPlaceholders } = await import('../migrate/placeholders.js');
  for (const f of files) {
    if (f.kind !== 'sql') continue;
    const text = fs.readFileSync(f.file, 'utf8');
    if (!text.includes('${')) continue;
    const { placeholders } = await findPlaceholders(text, f.file);
    if (placeholders.length) {
      throw new UsageError(`squash: ${f.name} uses placeholders (line ${placeholders[0].line}): a baseline would hold the values of this environment`, {
        hint: 'squash up to the migration before it (--to), so it stays a migration of its own',
      });
    }
  }
}

import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { quoteLiteral } from '../sql/quote.js';
import { UsageError } from '../errors.js';
import { checksumOfMigration, listMigrationFolder } from './files.js';
import type { MigrationResult, RunReport } from './migrator.js';
import { MigrationStore, SERVER_DURATION_MS, storeNames } from './store.js';

/**
 * `migrate up --dry-run --out DIR`: one `.sql` file per pending migration, for a DBA to review and
 * apply by hand. Each says how it must run (in one transaction, `psql -1 -f`, or statement by
 * statement), which server it was written against, and ends with the bookkeeping `migrate up`
 * would write, so applying every file leaves `migrate status` exactly as `migrate up` would. TS/JS
 * migrations are the SQL the dry run captured, parameters written in as literals.
 */
export interface ArtifactsReport {
  dir: string;
  files: Array<{ name: string; file: string; transaction: boolean; variables: string[] }>;
}

export async function writeUpArtifacts(options: { database: Database; config: ResolvedConfig; report: RunReport; dir: string }): Promise<ArtifactsReport> {
  const { database, config, report } = options;
  const dir = path.resolve(config.cwd, options.dir);
  const listed = new Map(listMigrationFolder(config.migrations.dir).files.map((f) => [f.name, f]));
  const store = new MigrationStore(storeNames(config));
  const version = (await database.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0].v;
  const server = `PostgreSQL ${version}${database.capabilities.standIn ? ' (the embedded database)' : ''}`;
  const batch = await store.nextBatch(database).catch(() => 1);
  const written: ArtifactsReport['files'] = [];
  const pieces: Array<{ file: string; text: string }> = [];
  for (const result of report.results) {
    const file = listed.get(result.name);
    if (!file) continue;
    const transaction = result.transaction !== false;
    if (file.kind !== 'sql' && !transaction) {
      throw new UsageError(`--out: ${result.name} runs outside a transaction, so a dry run cannot capture its SQL (it would have to run)`, {
        hint: 'write it as a .sql migration ("-- migrate:up transaction:false"), or apply it with `dbctl migrate up`',
        data: { migration: result.name },
      });
    }
    const variables = result.psql?.variables ?? [];
    const body = file.kind === 'sql' ? (result.psql?.sql ?? result.statements?.[0] ?? '') : await capturedScript(result);
    const record = store.recordScript({ name: result.name, checksum: checksumOfMigration(file), durationMs: SERVER_DURATION_MS, batch });
    const name = `${result.name}.sql`;
    const header = [
      `-- ${result.name} (${path.basename(file.file)}), written by \`dbctl migrate up --dry-run --out\`.`,
      `-- Written against: ${server}.`,
      transaction
        ? `-- Transaction: one, for the whole file: psql -v ON_ERROR_STOP=1 -1 -f ${name}`
        : `-- Transaction: none (transaction:false): statement by statement, without -1: psql -v ON_ERROR_STOP=1 -f ${name}`,
      ...(variables.length ? [`-- psql variables (env placeholders): ${variables.map((v) => `-v ${v}=…`).join(' ')}`] : []),
      '-- It ends with the bookkeeping `migrate up` writes, so `dbctl migrate status` then shows it applied.',
    ];
    // A SQL section may end without a `;`, or in a `--` comment: its own line ends it.
    const end = file.kind === 'sql' ? '\n;' : '';
    const text = `${header.join('\n')}\n\n${store.ensureScript()};\n\n${body.trimEnd()}${end}\n\n${record};\n`;
    pieces.push({ file: path.join(dir, name), text });
    written.push({ name: result.name, file: path.join(dir, name), transaction, variables });
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const p of pieces) fs.writeFileSync(p.file, p.text);
  return { dir, files: written };
}

/** A TS/JS migration's captured statements as a script, each statement's parameters written in. */
async function capturedScript(result: MigrationResult): Promise<string> {
  const statements = result.statements ?? [];
  const out: string[] = [];
  for (let k = 0; k < statements.length; k++) out.push(`${await inlineParameters(statements[k], result.parameters?.[k] ?? [])};`);
  return out.join('\n\n');
}

/** `$1`… replaced by their values as literals; where a `$n` is is read with Postgres's scanner (not inside strings). */
async function inlineParameters(sql: string, parameters: readonly unknown[]): Promise<string> {
  if (!parameters.length) return sql;
  const pg = await import('libpg-query');
  await pg.loadModule();
  const bytes = Buffer.from(sql, 'utf8');
  let out = '';
  let at = 0;
  for (const token of pg.scanSync(sql).tokens) {
    if (token.tokenName !== 'PARAM') continue;
    const n = Number(bytes.toString('utf8', token.start + 1, token.end));
    out += bytes.toString('utf8', at, token.start) + sqlValue(parameters[n - 1]);
    at = token.end;
  }
  return out + bytes.toString('utf8', at);
}

function sqlValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return quoteLiteral(value.toISOString());
  if (Buffer.isBuffer(value)) return `'\\x${value.toString('hex')}'::bytea`;
  if (Array.isArray(value)) return quoteLiteral(`{${value.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`);
  if (typeof value === 'object') return quoteLiteral(JSON.stringify(value));
  return quoteLiteral(String(value));
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/driver/database.js';
import { runArgv } from '../helpers/argv.js';
import { runCli, tempProject, type CliResult } from '../helpers/cli.js';

/**
 * A small schema with the column types a dump must carry faithfully: identities, a bigserial,
 * a foreign key across schemas, arrays, jsonb, bytea, intervals, timestamps, and text with
 * newlines and lines that look like psql meta-commands or ownership statements.
 */
export const TEST_SCHEMA = `
create schema app;
create table app.customer (
  id int generated always as identity primary key,
  name text not null,
  email text unique,
  born date,
  balance numeric(12,2),
  score float8,
  tags text[],
  meta jsonb,
  avatar bytea,
  created_at timestamptz not null,
  active boolean default true,
  uid uuid not null default gen_random_uuid()
);
create table public.orders (
  id bigserial primary key,
  customer_id int not null references app.customer(id),
  amount numeric(10,2),
  note text,
  at timestamp,
  span interval
);
insert into app.customer (name, email, born, balance, score, tags, meta, avatar, created_at)
select 'name ' || g, 'u' || g || '@x.test', date '2000-01-01' + g, g * 1.25, g / 3.0, array['a', 'b' || g],
       jsonb_build_object('g', g, 'nested', jsonb_build_array(g, 'x')), decode(md5(g::text), 'hex'),
       timestamptz '2026-01-01 00:00:00+00' + g * interval '1 hour'
from generate_series(1, 200) g;
insert into public.orders (customer_id, amount, note, at, span)
select 1 + g % 200, g * 0.5,
       case when g % 7 = 0 then E'multi\\nline -- note;\\n\\\\connect evil\\nALTER TABLE app.customer OWNER TO nobody;' end,
       timestamp '2026-02-01' + g * interval '1 minute', g * interval '1 second'
from generate_series(1, 500) g;
`;
export const TEST_ROWS = 700;

/** Runs SQL (a script when there are no parameters) on a database, opened and closed around it. */
export async function execSql<T = any>(url: string, text: string): Promise<T[]> {
  const database = await openDatabase({ url });
  try {
    const { rows } = await sql.raw<T>(text).execute(await database.kysely());
    return rows;
  } finally {
    await database.close();
  }
}

/**
 * A temporary project and CLI runners bound to it: `run` in this process (tests/helpers/argv.ts),
 * `spawn` through the binary (one end-to-end run per command and backend).
 */
export function project(files: Record<string, string> = {}) {
  // A project has a migrations folder (even an empty one): without it dbctl refuses to tell status.
  const cwd = tempProject({ 'migrations/.keep': '', ...files });
  return {
    cwd,
    run: (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> => runArgv(args, { cwd, env }),
    spawn: (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> => runCli(args, { cwd, env }),
    backups: () => (fs.existsSync(path.join(cwd, 'backups')) ? fs.readdirSync(path.join(cwd, 'backups')).sort() : []),
  };
}

/** `--json` output of a run that must succeed (the whole output in the failure message otherwise). */
export function ok(result: CliResult): any {
  if (result.code !== 0) throw new Error(`exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result.stdout.trim().startsWith('{') ? result.json() : result.stdout;
}

/** Replaces a dump's content and re-signs its manifest, as if the dump tool itself had written it. */
export function rewriteDump(cwd: string, file: string, content: string): void {
  fs.writeFileSync(path.join(cwd, file), content);
  const manifestFile = path.join(cwd, `${file}.manifest.json`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  manifest.sha256 = createHash('sha256').update(content).digest('hex');
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
}

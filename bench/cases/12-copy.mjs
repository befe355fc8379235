import fs from 'node:fs';
import path from 'node:path';
import { missingCommand } from '../lib/available.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { dropDatabase, freshDatabase, urlFor, withAdmin } from '../lib/pg.mjs';
import { NODE, DBCTL, tempProject } from '../lib/project.mjs';

const SOURCE = 'dbctl_bench_copy_src';
const TARGET = 'dbctl_bench_copy_dst';
/** An empty database holding the schema, made once: what the subset's floor clones. */
const TEMPLATE = 'dbctl_bench_copy_tpl';
const FLOOR = 'pg_dump -Fc -Z0 | pg_restore';
const FULL = 'dbctl db copy (every row)';
const MASKED = 'dbctl db copy (six masked columns)';
const SUBSET = 'dbctl db copy --subset people:5%';
const SUBSET_FLOOR = 'createdb -T (schema) + COPY of the same 5 % (psql to psql)';
/** The rows `--subset people:5%` picks: dbctl's own predicate for a bigint key (src/copy/subset.ts, percentWhere). */
const FIVE_PERCENT = 'abs(pg_catalog.hashint8(t.id)::bigint) % 10000 < 500';

/** The schema, as the migration the copy builds the target from and as the source's DDL. */
function schema(chain) {
  const links = Array.from({ length: chain }, (_, i) => i === 0
    ? 'create table link_0 (id int primary key, label text not null);'
    : `create table link_${i} (id int primary key, parent_id int not null references link_${i - 1} (id), label text not null);`);
  return `create table people (id bigint primary key, email text not null, phone text not null, full_name text not null, street text not null, last_ip inet not null, bio text not null, created_at timestamptz not null);
${links.join('\n')}`;
}

/**
 * Case 12: `dbctl db copy` of a 1,000,000-row table and a 200-table foreign-key chain (small: 100,000
 * rows, 20 tables) against `pg_dump -Fc -Z0 | pg_restore` of the same data into a new database; with
 * six masked columns (rows/s of the one stream); and a 5 % subset against the full copy and against
 * its own floor (a clone of the schema and one COPY of the same rows). Peak RSS of
 * each dbctl run is recorded (it must stay flat: the stream holds one batch at a time).
 */
export default {
  id: 12,
  title: 'db copy: full, masked and subset copies against pg_dump | pg_restore',
  unavailable: () => missingCommand('db', 'copy'),
  async run({ serverUrl, size, runs, log }) {
    const [rows, chain] = size === 'small' ? [100_000, 20] : [1_000_000, 200];
    const dir = tempProject('copy');
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(path.join(dir, 'migrations/001_schema.sql'), `-- migrate:up\n${schema(chain)}\n-- migrate:down\nselect 1;\n`);
    const safe = ['people.id', 'people.created_at', ...Array.from({ length: chain }, (_, i) => `link_${i}.*`)];
    const mask = { 'people.email': 'email', 'people.phone': 'phone', 'people.full_name': 'name', 'people.street': 'address', 'people.last_ip': 'ip', 'people.bio': 'text' };
    const config = (masked) => JSON.stringify({ migrations: { dir: 'migrations' }, copy: { safe: masked ? safe : [...safe, 'people.*'], mask: masked ? mask : {} } });
    fs.writeFileSync(path.join(dir, 'dbctl.config.json'), config(false));
    fs.writeFileSync(path.join(dir, 'masked.config.json'), config(true));
    const source = await freshDatabase(serverUrl, SOURCE);
    log(`setting up: people ${rows} rows + a ${chain}-table chain`);
    await withAdmin(source, async (c) => {
      await c.query(schema(chain));
      await c.query(`insert into people select g, 'p' || g || '@mail.test', '+1 415 555 ' || lpad((g % 10000)::text, 4, '0'), 'Person ' || g, g || ' Main Street', ('10.' || (g % 250) || '.' || (g % 200) || '.1')::inet, repeat('about me ', 4), timestamptz '2026-01-01' + g * interval '1 second' from generate_series(1, ${rows}) g`);
      for (let i = 0; i < chain; i++) await c.query(`insert into link_${i} select g, ${i ? '1 + g % 100, ' : ''}'l' || g from generate_series(1, 100) g`);
      await c.query('vacuum analyze');
    });
    await withAdmin(await freshDatabase(serverUrl, TEMPLATE), (c) => c.query(schema(chain)));
    const target = urlFor(serverUrl, TARGET);
    const env = { ...process.env, NO_COLOR: '1', DBCTL_COPY_SECRET: 'bench-secret' };
    const noTarget = () => dropDatabase(serverUrl, TARGET);
    const copy = (extra, configFile = 'dbctl.config.json') => () => timeProcess(NODE, [DBCTL, '--config', configFile, '--url', target, 'db', 'copy', '--from', source, '--no-strict', ...extra], { cwd: dir, env, rss: true });
    // The masked people stream's own rate (its table's time in --json): the "per stream" figure.
    const streamRates = [];
    const maskedCopy = async () => {
      const result = await timeProcess(NODE, [DBCTL, '--config', 'masked.config.json', '--url', target, '--json', 'db', 'copy', '--from', source, '--no-strict'], { cwd: dir, env, rss: true, stdout: true });
      const people = JSON.parse(result.stdout).tables.find((t) => t.table === 'public.people');
      streamRates.push(people.rows / (people.milliseconds / 1000));
      return result;
    };
    let results;
    try {
      results = await interleave([
        { name: FLOOR, setup: noTarget, run: () => timeProcess('sh', ['-c', `createdb --maintenance-db "$SRV" ${TARGET} && pg_dump -Fc -Z0 --dbname "$SRC" | pg_restore --no-owner --exit-on-error --dbname "$DST"`], { cwd: dir, env: { ...env, SRV: serverUrl, SRC: source, DST: target } }) },
        { name: FULL, setup: noTarget, run: copy([]) },
        { name: MASKED, setup: noTarget, run: maskedCopy },
        { name: SUBSET, setup: noTarget, run: copy(['--subset', 'people:5%']) },
        // The subset's floor for any tool that builds a new database holding this schema: a clone of
        // the schema (the same CREATE DATABASE … TEMPLATE dbctl makes its target with) and one COPY of
        // the same rows, without masking, foreign-key checks or a manifest.
        { name: SUBSET_FLOOR, setup: noTarget, run: () => timeProcess('bash', ['-o', 'pipefail', '-c', `createdb --maintenance-db "$SRV" -T ${TEMPLATE} ${TARGET} && psql -X -q -v ON_ERROR_STOP=1 --dbname "$SRC" -c "copy (select * from people t where $PRED) to stdout" | psql -X -q -v ON_ERROR_STOP=1 --dbname "$DST" -c 'copy people from stdin'`], { cwd: dir, env: { ...env, SRV: serverUrl, SRC: source, DST: target, PRED: FIVE_PERCENT } }) },
      ], { runs: runs ?? 3, log });
    } finally {
      await noTarget();
      await dropDatabase(serverUrl, TEMPLATE);
    }
    const masked = results.find((r) => r.name === MASKED);
    const peak = Math.max(...results.filter((r) => r.peakMb !== undefined).map((r) => r.peakMb));
    return {
      groups: [{
        label: `db copy of ${(rows + chain * 100).toLocaleString('en')} rows in ${chain + 1} tables`,
        floor: FLOOR,
        rows: results,
        targets: [
          { row: FULL, max: 1.5, text: 'a full copy ≤ 1.5× pg_dump -Fc -Z0 | pg_restore' },
          { row: SUBSET, ref: FULL, max: 0.2, text: 'a 5 % subset ≤ 0.2× the full copy' },
          { row: SUBSET, ref: SUBSET_FLOOR, max: 1.25, text: 'a 5 % subset ≤ 1.25× createdb -T + COPY of the same rows (the floor of any tool that builds a new database holding the schema)' },
        ],
      }],
      notes: [
        `six masked columns: ${Math.round(Math.max(...streamRates)).toLocaleString('en')} rows/s in the people stream (best run), ${Math.round(rows / (masked.median / 1000)).toLocaleString('en')} rows/s for the whole command (start-up, schema, foreign keys and manifest included); target ≥ 40,000 rows/s per stream`,
        `peak RSS of any dbctl copy: ${peak.toFixed(0)} MiB (target < 256 MiB, flat when the source doubles)`,
      ],
    };
  },
};

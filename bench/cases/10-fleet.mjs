import path from 'node:path';
import pg from 'pg';
import { missingCommand } from '../lib/available.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { writeMigrations } from '../lib/generate.mjs';
import { ident, urlFor, withAdmin } from '../lib/pg.mjs';
import { DBCTL, NODE, tempProject } from '../lib/project.mjs';

const TEMPLATE = 'dbctl_bench_fleet_tpl';
const FLEET = 'dbctl_bench_fleet_f_';
const LOOP = 'dbctl_bench_fleet_l_';
const pad = (i) => String(i).padStart(5, '0');
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Creates the case's databases from an empty template, on a few connections at once (CREATE
 * DATABASE … TEMPLATE takes a share lock on the template: clones do not queue behind each other).
 */
async function createDatabases(serverUrl, names, log) {
  await withAdmin(serverUrl, async (c) => {
    await c.query(`drop database if exists ${TEMPLATE}`);
    await c.query(`create database ${TEMPLATE}`);
  });
  const started = performance.now();
  let done = 0;
  await Promise.all([0, 1, 2, 3].map(async (w) => {
    const c = new pg.Client({ connectionString: serverUrl, application_name: 'dbctl-bench' });
    await c.connect();
    try {
      for (let i = w; i < names.length; i += 4) {
        await c.query(`create database ${ident(names[i])} template ${TEMPLATE}`);
        if (++done % 200 === 0) log(`created ${done}/${names.length} databases`);
      }
    } finally {
      await c.end();
    }
  }));
  await withAdmin(serverUrl, (c) => c.query('checkpoint').catch(() => {}));
  return performance.now() - started;
}

/**
 * Case 10: one fleet run over N databases × 10 TS migrations, against the same work done the way a
 * shell script does it without dbctl fleet (`for db in …; do dbctl migrate up; done`), measured on a
 * sample of databases and extrapolated; then `fleet status` of the migrated fleet.
 */
export default {
  id: 10,
  title: 'fleet: many databases in one process',
  unavailable: () => missingCommand('fleet', 'status'),
  async run({ serverUrl, size, runs, log }) {
    const count = Number(process.env.BENCH_FLEET_DATABASES) || (size === 'small' ? 100 : 1000);
    const sample = Math.min(50, Math.max(5, Math.round(count / 10)));
    const migrations = 10;
    const dir = tempProject('fleet');
    writeMigrations(path.join(dir, 'migrations'), migrations, 'ts');
    const fleetNames = Array.from({ length: count }, (_, i) => `${FLEET}${pad(i)}`);
    const loopNames = Array.from({ length: sample }, (_, i) => `${LOOP}${pad(i)}`);
    const warm = 'dbctl_bench_fleet_warm';

    log(`setting up: ${count + sample + 1} databases from an empty template`);
    const createMs = await createDatabases(serverUrl, [...fleetNames, ...loopNames, warm], log);
    const perCreate = createMs / (count + sample + 1);
    log(`created them in ${s(createMs)} (${perCreate.toFixed(0)} ms each, 4 at once)`);
    // Untimed: jiti's transpile cache for the 10 migrations, shared by every run after.
    await timeProcess(NODE, [DBCTL, '--url', urlFor(serverUrl, warm), 'migrate', 'up'], { cwd: dir });

    // The shell loop: one `dbctl migrate up` process per database, one after another.
    const script = loopNames.map((n) => `${JSON.stringify(NODE)} ${JSON.stringify(DBCTL)} --url ${JSON.stringify(urlFor(serverUrl, n))} migrate up >/dev/null || exit 1`).join('\n');
    log(`shell loop of dbctl migrate up over ${sample} databases`);
    const loop = await timeProcess('bash', ['-c', script], { cwd: dir });
    const loopExtrapolated = (loop.ms * count) / sample;
    log(`loop: ${s(loop.ms)} for ${sample} → ${s(loopExtrapolated)} for ${count} (extrapolated)`);

    const pattern = `${FLEET}*`;
    const fleetArgs = (...words) => [NODE, [DBCTL, '--url', serverUrl, 'fleet', '--all-databases', pattern, ...words, '--json']];
    log(`dbctl fleet migrate up over ${count} databases`);
    const up = await timeProcess(...fleetArgs('migrate', 'up'), { cwd: dir, rss: true, stdout: true });
    const report = JSON.parse(up.stdout);
    if (report.summary.ok !== count || report.summary.applied !== count * migrations) {
      throw new Error(`fleet migrate up: ${JSON.stringify(report.summary)} (expected ${count} ok, ${count * migrations} applied)`);
    }
    const concurrency = Object.values(report.concurrency)[0];
    log(`fleet: ${s(up.ms)} (${concurrency} at once, peak RSS ${up.peakMb.toFixed(0)} MB)`);

    const statusName = 'dbctl fleet status';
    const statusRows = await interleave([{ name: statusName, run: () => timeProcess(...fleetArgs('status'), { cwd: dir, rss: true }) }], { runs: runs ?? 3, log });
    const statusMs = statusRows[0].median;

    const perDb = up.ms / count;
    const floor = `shell loop: dbctl migrate up per database (${sample} measured, × ${count / sample})`;
    const upName = `dbctl fleet migrate up (${count} databases, ${concurrency} at once)`;
    const label = `${count} databases × ${migrations} TS migrations`;
    return {
      groups: [
        {
          label,
          floor,
          rows: [
            { name: floor, samples: [loopExtrapolated], median: loopExtrapolated, note: `${s(loop.ms)} measured for ${sample}` },
            { name: upName, samples: [up.ms], median: up.ms, peakMb: up.peakMb },
          ],
          targets: [{ row: upName, max: 1 / 8, text: 'fleet migrate up ≥ 8× faster than a shell loop of `dbctl migrate up`' }],
        },
        { label: `${count} databases up to date`, floor: statusName, rows: statusRows, targets: [] },
      ],
      extraChecks: [
        { label, text: `all ${count * migrations} migrations applied in ≤ 60 s`, measured: s(up.ms), ok: up.ms <= 60_000 },
        { label: `${count} databases up to date`, text: '`fleet status` ≤ 10 s', measured: s(statusMs), ok: statusMs <= 10_000 },
      ],
      notes: [
        `one timed run of each (every run needs ${count} fresh databases); the shell loop was timed on ${sample} databases and multiplied by ${count / sample}: it runs one database after another, so its time is linear in their number`,
        `setup, not timed: ${count + sample + 1} databases created from an empty template in ${s(createMs)} (${perCreate.toFixed(0)} ms each, 4 at once)`,
        `fleet migrate up: ${perDb.toFixed(0)} ms per database at ${concurrency} at once (two connections each: at most ${2 * concurrency} on the server), peak RSS ${up.peakMb.toFixed(0)} MB; fleet status: ${(statusMs / count).toFixed(1)} ms per database, peak RSS ${statusRows[0].peakMb?.toFixed(0) ?? '?'} MB`,
        `10,000 databases from these rates: fleet migrate up ≈ ${s(perDb * 10_000)}, fleet status ≈ ${s((statusMs / count) * 10_000)}, the shell loop ≈ ${s((loop.ms / sample) * 10_000)}; connections stay at ${2 * concurrency} (bounded by --concurrency, not by the fleet's size); memory: the report holds one small entry per database`,
      ],
    };
  },
};

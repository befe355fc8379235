import pg from 'pg';

/** The benchmark's own databases on the server: all named with this prefix, all dropped at the end. */
export const PREFIX = 'dbctl_bench_';

export function urlFor(serverUrl, database) {
  const u = new URL(serverUrl);
  u.pathname = '/' + database;
  return u.toString();
}

export async function withAdmin(serverUrl, fn) {
  const client = new pg.Client({ connectionString: serverUrl, application_name: 'dbctl-bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const ident = (name) => `"${name.replace(/"/g, '""')}"`;

let warnedCheckpoint = false;

/**
 * Drops (terminating leftover sessions) and recreates an empty database; returns its URL. Then a
 * CHECKPOINT: DROP DATABASE forces one and the copy leaves dirty buffers, and a timed run that
 * starts while that I/O is still being written is slowed by however much of it is left. After an
 * explicit checkpoint every timed run starts from the same clean state.
 */
export async function freshDatabase(serverUrl, name, { template } = {}) {
  await withAdmin(serverUrl, async (c) => {
    await c.query(`drop database if exists ${ident(name)} with (force)`);
    await c.query(`create database ${ident(name)}${template ? ` template ${ident(template)}` : ''}`);
    // Needs superuser or pg_checkpoint (PG 15+); without it the runs are only noisier.
    await c.query('checkpoint').catch((error) => {
      if (!warnedCheckpoint) process.stderr.write(`  note: no CHECKPOINT between runs (${error.message}); timings will be noisier\n`);
      warnedCheckpoint = true;
    });
  });
  return urlFor(serverUrl, name);
}

export async function dropDatabase(serverUrl, name) {
  await withAdmin(serverUrl, (c) => c.query(`drop database if exists ${ident(name)} with (force)`));
}

/** Drops every database this harness created (also those left by an interrupted run). */
export async function dropAllBenchDatabases(serverUrl) {
  await withAdmin(serverUrl, async (c) => {
    const { rows } = await c.query('select datname from pg_database where datname like $1', [PREFIX.replace(/_/g, '\\_') + '%']);
    for (const r of rows) {
      await c.query(`update pg_database set datistemplate = false where datname = $1`, [r.datname]);
      await c.query(`drop database if exists ${ident(r.datname)} with (force)`);
    }
  });
}

export async function serverVersion(serverUrl) {
  return withAdmin(serverUrl, async (c) => (await c.query('show server_version')).rows[0].server_version);
}

export { ident };

/** A measured variant that gets its own fresh database (a copy of `template`, if given) before every run. */
export function onFreshDatabase(serverUrl, name, database, run, { template } = {}) {
  let url;
  return { name, setup: async () => (url = await freshDatabase(serverUrl, database, { template })), run: () => run(url) };
}

/**
 * Several harnesses may run against one server at once (helpers benchmarking in parallel). Each
 * holds a shared advisory lock for its lifetime, and the clean-up that drops every dbctl_bench_*
 * database runs only with the exclusive lock, i.e. when no other harness is running: one harness
 * never drops another's databases in the middle of a timed run.
 */
const HARNESS_LOCK = 7349215030817411n;

export async function holdHarnessLock(serverUrl) {
  const client = new pg.Client({ connectionString: serverUrl, application_name: 'dbctl-bench' });
  await client.connect();
  const alone = async () => {
    const { rows } = await client.query('select pg_try_advisory_lock($1::bigint) as ok', [HARNESS_LOCK.toString()]);
    return rows[0].ok;
  };
  const cleanIfAlone = async () => {
    if (!(await alone())) return false;
    try {
      await dropAllBenchDatabases(serverUrl);
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [HARNESS_LOCK.toString()]);
    }
    return true;
  };
  const cleaned = await cleanIfAlone();
  await client.query('select pg_advisory_lock_shared($1::bigint)', [HARNESS_LOCK.toString()]);
  return {
    cleaned,
    async release() {
      await client.query('select pg_advisory_unlock_shared($1::bigint)', [HARNESS_LOCK.toString()]).catch(() => {});
      await cleanIfAlone().catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

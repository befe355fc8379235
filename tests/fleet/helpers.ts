import crypto from 'node:crypto';
import pg from 'pg';
import { withDatabase as withDatabaseName } from '../../src/driver/target.js';

export const SERVER = process.env.TEST_DATABASE_URL;
/** A second, plain PostgreSQL server (CI: a node of the local Citus cluster, used without the extension). */
export const SECOND_SERVER = process.env.TEST_SECOND_SERVER_URL;

export async function admin<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A unique name prefix for one test's databases (`dbctl_tmp_…`: outside testdb's namespace). */
export function fleetPrefix(): string {
  return `dbctl_tmp_fleet_${crypto.randomBytes(3).toString('hex')}`;
}

/** Creates `names` on the server (one statement each) and returns their URLs. */
export async function createDatabases(serverUrl: string, names: string[]): Promise<string[]> {
  await admin(serverUrl, async (c) => {
    for (const name of names) await c.query(`create database "${name}"`);
  });
  return names.map((n) => withDatabaseName(serverUrl, n));
}

export async function dropDatabases(serverUrl: string, prefix: string): Promise<void> {
  await admin(serverUrl, async (c) => {
    const { rows } = await c.query(`select datname from pg_database where datname like $1`, [`${prefix}%`]);
    for (const r of rows) await c.query(`drop database if exists "${r.datname}" with (force)`);
  });
}

export async function query<T = any>(url: string, text: string): Promise<T[]> {
  return admin(url, async (c) => (await c.query(text)).rows as T[]);
}

/**
 * `dbctl/testing`: isolated databases for tests. Each call gives a new database: on a server,
 * created through the URL's server; embedded, a fresh PGlite directory.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { withDatabase as withDatabaseName } from './driver/url.js';
import { copyPgliteBase } from './testdb/pglite-template.js';

export interface TestDatabase {
  name: string;
  url: string;
  kind: 'pg' | 'pglite';
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** A server URL (any database on it); none = embedded PGlite. */
  serverUrl?: string;
  /** Keep the database after drop() (debugging a failed test); also DBCTL_KEEP_TEST_DB=1. */
  keep?: boolean;
  prefix?: string;
}

export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = `${options.prefix ?? 'dbctl_test'}_${Date.now().toString(36)}_${crypto.randomBytes(4).toString('hex')}`;
  const keep = options.keep ?? process.env.DBCTL_KEEP_TEST_DB === '1';
  if (!options.serverUrl) {
    const dir = path.join(os.tmpdir(), 'dbctl-test-dbs', name);
    await copyPgliteBase(dir);
    return {
      name,
      url: `pglite://${dir}`,
      kind: 'pglite',
      drop: async () => {
        if (!keep) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  await admin(options.serverUrl, `create database "${name}"`);
  const url = withDatabaseName(options.serverUrl, name);
  return {
    name,
    url,
    kind: 'pg',
    drop: async () => {
      if (!keep) await admin(options.serverUrl!, `drop database if exists "${name}" with (force)`);
    },
  };
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/driver/database.js';
import type { Backend } from '../helpers/backends.js';
import { runArgv } from '../helpers/argv.js';
import { runCli, tempProject } from '../helpers/cli.js';

export const migration = (body: string, down = '') => `-- migrate:up\n${body}\n-- migrate:down\n${down}\n`;

/**
 * A project with its own test-database prefix: other test files (and other people's runs on a
 * shared server) use other prefixes, so `drop --all` here removes only this project's databases.
 */
export function testdbProject(backend: Backend, files: Record<string, string> = {}) {
  const prefix = `t${crypto.randomBytes(3).toString('hex')}`;
  const cwd = tempProject({
    'dbctl.config.json': JSON.stringify({ testdb: { prefix } }),
    'migrations/001_items.sql': migration('create table items (id int primary key, label text not null);', 'drop table items;'),
    ...files,
  });
  const env = { DATABASE_URL: backend.serverUrl };
  return {
    cwd,
    prefix,
    env,
    /** Through the binary (concurrent processes); `run` in this process (tests/helpers/argv.ts). */
    cli: (args: string[]) => runCli(args, { cwd, env }),
    run: (args: string[]) => runArgv(args, { cwd, env }),
    write: (rel: string, content: string) => {
      fs.mkdirSync(path.dirname(path.join(cwd, rel)), { recursive: true });
      fs.writeFileSync(path.join(cwd, rel), content);
    },
  };
}

/** Runs `query` on the database at `url` and returns its rows. */
export async function queryAt<T = any>(url: string, cwd: string, query: string): Promise<T[]> {
  const database = await openDatabase({ url, cwd });
  try {
    return (await sql.raw<T>(query).execute(await database.kysely())).rows;
  } finally {
    await database.close();
  }
}

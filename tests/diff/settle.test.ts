import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import type { Ambiguity } from '../../src/diff/index.js';
import { CheckFailedError } from '../../src/errors.js';
import { migrateDiff } from '../../src/flows/migrate-diff.js';
import { tempProject } from '../helpers/cli.js';

/**
 * An ambiguous drop + add, answered (the CLI asks on a terminal): a rename keeps the data, a drop
 * is a drop (still needing --allow-data-loss), no answer leaves the pairs an error (exit 4).
 */
async function project() {
  const cwd = tempProject({
    'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }),
    'migrations/001.sql': '-- migrate:up\ncreate table "People" (id int primary key, "Nick" text, legacy text);\n-- migrate:down\ndrop table "People";\n',
    'schema.sql': 'create table "People" (id int primary key, "NickName" text, fresh text);\n',
  });
  return resolveConfig({ cwd, environ: {}, database: false });
}

describe('migrate diff: ambiguous pairs settled by an answer', () => {
  it('asks each pair once its sides are unsettled; a rename renames, a drop drops, verified up and down', async () => {
    const asked: string[] = [];
    const settle = async (pair: Ambiguity) => {
      asked.push(`${pair.dropped} -> ${pair.added}`);
      if (pair.dropped.endsWith('.Nick') && pair.added.endsWith('.NickName')) return 'rename' as const;
      if (pair.dropped.endsWith('.legacy')) return 'drop' as const;
      return undefined;
    };
    const result = await migrateDiff(await project(), { mode: 'dry-run', schemaPath: 'schema.sql', settle, allowDataLoss: true });
    // Nick -> NickName settles both sides; legacy is then asked only against what is left (fresh).
    expect(asked).toEqual(['public.People.Nick -> public.People.NickName', 'public.People.legacy -> public.People.fresh']);
    const sql = result.up.map((s) => s.sql);
    expect(sql).toContain('ALTER TABLE public."People" RENAME COLUMN "Nick" TO "NickName";');
    expect(sql).toContain('ALTER TABLE public."People" DROP COLUMN legacy;');
    expect(sql.some((s) => s.includes('ADD COLUMN fresh'))).toBe(true);
  }, 300_000);

  it('no answer: the pairs stay an error, exit 4, with their hints', async () => {
    const error = await migrateDiff(await project(), { mode: 'dry-run', schemaPath: 'schema.sql', settle: async () => undefined }).catch((e) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain('-- dbctl:renamed-from Nick');
  }, 300_000);
});

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempProject } from '../helpers/cli.js';
import { SNAPSHOT_FILE } from './fixture.js';

/**
 * The generated types (the fixture snapshot, which generate.test.ts proves is what both backends
 * produce) under `tsc --strict` against the installed kysely: right queries compile, and each
 * wrong one is rejected on its own line.
 */
const HEADER = `import type { Kysely } from 'kysely';
import type { DB } from './types.js';
declare const db: Kysely<DB>;
`;

const RIGHT = `${HEADER}
export async function right(): Promise<void> {
  const u = await db.selectFrom('users').select(['id', 'email', 'mood', 'score', 'created_at', 'tags', 'profile', 'handle', 'rank', 'favourite']).executeTakeFirstOrThrow();
  const id: string = u.id;
  const mood: 'sad' | 'ok' | 'happy' = u.mood;
  const score: string | null = u.score;
  const at: Date = u.created_at;
  const tags: string[] = u.tags;
  const handle: string | null = u.handle;
  const rank: number | null = u.rank;
  const favourite: 'sad' | 'ok' | 'happy' | null = u.favourite;
  void [id, mood, score, at, tags, handle, rank, favourite, u.profile];
  await db.insertInto('users').values({ email: 'a@b.c', score: 1.5, counter: 7, created_at: new Date(), tags: ['x'] }).execute();
  await db.updateTable('users').set({ mood: 'happy', score: '2.50' }).where('id', '=', '1').execute();
  const view = await db.selectFrom('active_users').select(['id', 'email']).execute();
  const viewId: string | null = view[0].id;
  const counts = await db.selectFrom('mood_counts').select(['mood', 'n']).execute();
  const n: string | null = counts[0].n;
  void [viewId, n];
  await db.insertInto('events').values({ at: new Date(), payload: { kind: 'x', n: 1 } }).execute();
  await db.insertInto('audit.log').values({ message: 'hello', level: 'warn' }).execute();
}
`;

/** Each a single line that must not type-check, with why. */
const WRONG: [why: string, statement: string][] = [
  ['insert into a view', `db.insertInto('active_users').values({ email: 'x@y.z' });`],
  ['insert into a view, no columns', `db.insertInto('mood_counts').values({});`],
  ['update a view', `db.updateTable('active_users').set({ email: 'x@y.z' });`],
  ['write an identity ALWAYS column', `db.insertInto('users').values({ email: 'x@y.z', id: '1' });`],
  ['write a stored generated column', `db.insertInto('users').values({ email: 'x@y.z', handle: 'x' });`],
  ['update a generated column', `db.updateTable('users').set({ handle: 'x' });`],
  ['omit a required column', `db.insertInto('users').values({ mood: 'ok' });`],
  ['a value outside the enum', `db.insertInto('users').values({ email: 'x@y.z', mood: 'angry' });`],
  ['an unknown column', `db.selectFrom('users').select('nickname');`],
  ['a partition is not a table of its own', `db.selectFrom('events_2024').selectAll();`],
  ['numeric is a string at run time', `db.selectFrom('users').select('score').executeTakeFirstOrThrow().then((r) => { const n: number | null = r.score; return n; });`],
  ['bookkeeping tables are not in DB', `db.selectFrom('kysely_migration').selectAll();`],
];

describe('the generated types under tsc --strict', () => {
  it('type-check a file of right queries (tsc exits 0)', () => {
    const result = tsc({ 'right.ts': RIGHT });
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('reject each wrong query on its own line (tsc exits non-zero)', () => {
    const lines = HEADER.split('\n').length; // the first WRONG statement's line number
    const body = WRONG.map(([, statement]) => statement).join('\n');
    const result = tsc({ 'wrong.ts': `${HEADER}${body}\nexport {};\n` });
    expect(result.code).not.toBe(0);
    const failing = new Set([...result.output.matchAll(/^wrong\.ts\((\d+),\d+\): error TS\d+/gm)].map((m) => Number(m[1])));
    const missed = WRONG.filter((_, i) => !failing.has(lines + i)).map(([why]) => why);
    expect(missed).toEqual([]);
    expect([...failing].every((line) => line >= lines && line < lines + WRONG.length)).toBe(true);
  });
});

function tsc(files: Record<string, string>): { code: number; output: string } {
  const cwd = tempProject({
    'types.ts': fs.readFileSync(SNAPSHOT_FILE, 'utf8'),
    ...files,
    'tsconfig.json': JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], skipLibCheck: true },
      include: ['*.ts'],
    }),
  });
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--pretty', 'false'], { cwd, encoding: 'utf8' });
  fs.rmSync(cwd, { recursive: true, force: true });
  return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}`.trim() };
}

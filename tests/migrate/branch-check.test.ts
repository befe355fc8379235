import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { checkBranchMigrations } from '../../src/flows/branch-check.js';
import { tempProject, writeFiles } from '../helpers/cli.js';
import { sqlMigration, tsMigration } from './helpers.js';

/**
 * A git repository with a base commit, a branch `theirs` that adds two migrations, and this branch
 * adding two (one TS, uncommitted): same column, a view over a column the other retypes, an enum
 * value the other uses, and pairs that commute. Backend-independent (git and scratch databases on
 * the embedded Postgres), so it runs once.
 */
describe('migrate check --base', () => {
  it('says which cross pairs commute and which conflict, on what, and flags an older branch migration', async () => {
    const cwd = tempProject({
      '.gitignore': 'node_modules\n.dbctl\n',
      'migrations/0001_base.sql': sqlMigration("create table users (id int primary key, email text);\ncreate type mood as enum ('ok');"),
    });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    git('checkout', '-qb', 'theirs');
    writeFiles(cwd, {
      'migrations/0003_t_users.sql': sqlMigration('alter table users add column nickname varchar(20);\nalter table users alter column email type varchar(200);'),
      'migrations/0004_t_mood.sql': sqlMigration("create table moods (m mood default 'ok');"),
    });
    git('add', '.');
    git('commit', '-qm', 'theirs');
    git('checkout', '-q', 'main');
    git('checkout', '-qb', 'ours');
    writeFiles(cwd, { 'migrations/0002_o_users.sql': sqlMigration('alter table users add column nickname text;\ncreate view user_emails as select id, email from users;') });
    git('add', '.');
    git('commit', '-qm', 'ours');
    writeFiles(cwd, {
      'migrations/0005_o_orders.ts': tsMigration("await sql`alter type mood rename value 'ok' to 'fine'`.execute(db);\n  await db.schema.createTable('orders').addColumn('id', 'integer').execute();"),
    });

    const config = await resolveConfig({ cwd, environ: {} });
    const report = await checkBranchMigrations({ config, base: 'theirs' });
    expect(report.ours).toEqual(['0002_o_users', '0005_o_orders']);
    expect(report.theirs).toEqual(['0003_t_users', '0004_t_mood']);
    expect(report.older).toEqual(['0002_o_users']);
    const verdict = Object.fromEntries(report.pairs.map((p) => [`${p.ours} × ${p.theirs}`, p]));
    expect(verdict['0002_o_users × 0003_t_users']).toMatchObject({ status: 'conflict', objects: ['column public.users.email', 'column public.users.nickname'] });
    expect(verdict['0002_o_users × 0003_t_users'].difference!.join('\n')).toMatch(/fails/);
    expect(verdict['0002_o_users × 0004_t_mood']).toMatchObject({ status: 'commute', objects: [] });
    expect(verdict['0005_o_orders × 0003_t_users']).toMatchObject({ status: 'commute', objects: [] });
    expect(verdict['0005_o_orders × 0004_t_mood']).toMatchObject({ status: 'conflict', objects: ['type public.mood'] });
    expect(report.ok).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { ExitCode } from '../../src/errors.js';
import { lintConfig, lintMigrations } from '../../src/lint/index.js';
import { OUTSIDE_TRANSACTION } from '../../src/migrate/sql-checks.js';
import { parseStatements } from '../../src/sql/statements.js';
import { backends } from '../helpers/backends.js';
import { createTable, migrationProject } from '../migrate/helpers.js';

/** One of each statement kind migrate up refuses in a transactional section (and each way it can be). */
const REFUSED = [
  'vacuum t;',
  'cluster;',
  'create database nope;',
  'drop database nope;',
  'alter database nope set tablespace pg_default;',
  "create tablespace nope location '/nonexistent';",
  'drop tablespace nope;',
  "alter system set work_mem = '4MB';",
  'create index concurrently t_i on t (id);',
  'create index concurrently if not exists t_i on t (id);',
  'drop index concurrently t_i;',
  'reindex table concurrently t;',
  'reindex (concurrently) index t_pkey;',
  'reindex database nope;',
  'reindex system nope;',
  'alter table t detach partition c concurrently;',
  "create subscription nope connection 'host=nowhere' publication p;",
  'discard all;',
  'begin;',
  'start transaction;',
  'commit;',
  'end;',
  'rollback;',
  'abort;',
  "prepare transaction 'x';",
  "commit prepared 'x';",
  'release savepoint never_set;',
  'rollback to savepoint never_set;',
];

/** Near misses that migrate up runs inside its transaction. */
const ACCEPTED = [
  'create index t_j on t (id);',
  'analyze t;',
  'cluster t using t_pkey;',
  'reindex (concurrently false) table t;',
  'discard temp;',
  'savepoint s; insert into t values (7); rollback to savepoint s; release savepoint s;',
  "create type mood as enum ('ok'); alter type mood add value 'meh';",
];

describe.each(backends)('migrate lint and migrate up agree on what a transaction block refuses ($name)', (backend) => {
  it('lint has a transaction-block error exactly where up refuses, and none where up runs the section', async () => {
    // The class: a kind added to the runner's list without a case here fails this first.
    const kinds = new Set((await parseStatements(REFUSED.join('\n'))).map((s) => s.kind));
    expect([...Object.keys(OUTSIDE_TRANSACTION), 'TransactionStmt'].filter((k) => !kinds.has(k))).toEqual([]);

    const p = await migrationProject(backend, { '001_t.sql': createTable('t') });
    await p.migrator.up();
    const config = await resolveConfig({ cwd: p.cwd, url: p.url, environ: {} });
    const disagreements: string[] = [];
    const check = async (name: string, statement: string, refused: boolean) => {
      p.write({ [name]: `-- migrate:up\nselect 1;\n\n   ${statement}\n-- migrate:down\n` });
      const lint = await lintMigrations({ database: p.database, ...lintConfig(config) });
      const found = lint.findings.filter((f) => f.rule === 'transaction-block');
      const error = await p.migrator.up().then(() => undefined, (e) => e);
      const upRefused = error?.code === 'migration_invalid' && error.exitCode === ExitCode.usage;
      if (error && !upRefused) disagreements.push(`${statement}: up failed another way: ${error.message}`);
      if (upRefused !== refused) disagreements.push(`${statement}: up ${upRefused ? 'refused' : 'ran'} it`);
      if (found.length !== (upRefused ? 1 : 0)) disagreements.push(`${statement}: up ${upRefused ? 'refused' : 'ran'} it, lint found ${found.length}`);
      if (upRefused && found[0]) {
        expect({ statement, level: found[0].level, ok: lint.ok, at: [found[0].line, found[0].col] }).toEqual({ statement, level: 'error', ok: false, at: [error.data.line, error.data.col] });
        expect(found[0].message).toContain(error.message.replace(/^\S+:\d+:\d+: /, ''));
      }
    };
    for (const statement of REFUSED) await check('002_x.sql', statement, true);

    // What else up refuses before running anything is an error finding too (squawk's syntax-error).
    for (const text of ['-- migrate:up\nselect 1;\n\\connect other\n', '-- migrate:up transaction:false\nselect 1;\ncreate tabel x (id int);\n']) {
      p.write({ '002_x.sql': text });
      const lint = await lintMigrations({ database: p.database, ...lintConfig(config) });
      const error = await p.migrator.up().then(() => undefined, (e) => e);
      expect({ text, code: error?.code, lintOk: lint.ok, errors: [...new Set(lint.findings.filter((f) => f.level === 'error').map((f) => f.rule))] }).toEqual({ text, code: 'migration_invalid', lintOk: false, errors: ['syntax-error'] });
    }
    p.remove('002_x.sql');
    for (const [k, statement] of ACCEPTED.entries()) await check(`${String(k + 3).padStart(3, '0')}_ok.sql`, statement, false);
    expect(disagreements).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { validateConfig } from '../../src/config/validate.js';
import { ConfigError } from '../../src/errors.js';
import { lintConfig, lintMigrations } from '../../src/lint/index.js';
import { lintSettings } from '../../src/lint/rules.js';
import { findSquawk } from '../../src/lint/squawk.js';
import { backends } from '../helpers/backends.js';
import { writeFiles } from '../helpers/cli.js';
import { migrationProject } from '../migrate/helpers.js';

const brief = (f: { migration: string; rule: string; level: string; direction: string; line?: number; col?: number }) => `${f.migration} ${f.direction} ${f.line}:${f.col} ${f.level} ${f.rule}`;

describe.each(backends)('migrate lint on $name', (backend) => {
  it('lints each section in its transaction mode at file:line:col, sizes tables from the live database, and follows lint config', async () => {
    const p = await migrationProject(backend, {
      // Never analyzed (reltuples -1): the table is counted instead.
      '001_base.sql': '-- migrate:up\ncreate table t (id bigint primary key, n bigint);\ninsert into t select g, g from generate_series(1, 300) g;\n',
      '002_index.sql': [
        '-- migrate:up transaction:false',
        'create index concurrently t_n_idx on t (n);',
        '',
        '-- migrate:down',
        'drop index t_n_idx;',
        '-- the same statement inside a transaction: Postgres refuses CONCURRENTLY there',
        'create index concurrently if not exists t_n_idx on t (n);',
        '',
      ].join('\n'),
      '003_column.sql': '-- migrate:up\nalter table t add column c bigint;\n-- dbctl-lint-ignore large-table-lock -- one brief lock is fine here\nalter table t add column d bigint;\n',
    });
    await p.migrator.up({ to: '001_base' });
    writeFiles(p.cwd, { 'dbctl.config.ts': `export default { lint: { largeTableRows: 100, rules: { 'prefer-robust-stmts': 'error' } } };\n` });
    const config = await resolveConfig({ cwd: p.cwd, url: p.url, environ: {} });

    const report = await lintMigrations({ database: p.database, ...lintConfig(config) });
    expect(report.migrations.map((m) => m.name)).toEqual(['002_index', '003_column']);
    expect(report.findings.map(brief)).toEqual([
      '002_index up 2:1 error prefer-robust-stmts',
      '002_index down 5:1 error require-concurrent-index-deletion',
      // The check migrate up runs (squawk's ban-concurrent-index-creation-in-transaction says the same, and is left out).
      '002_index down 7:1 error transaction-block',
      '003_column up 2:1 warn large-table-lock',
    ]);
    expect(report.findings[0].file).toBe('migrations/002_index.sql');
    // Counted up to the threshold when never analyzed; a server's autovacuum may have analyzed it.
    expect(report.findings[3]).toMatchObject({ source: 'dbctl', message: expect.stringMatching(/^ADD COLUMN c on t \((≥ 100|~300) rows, [\d.]+ kB\) takes ACCESS EXCLUSIVE on it$/) });
    expect(report.ok).toBe(false);

    // --all also lints applied migrations, but never judges them by today's table sizes.
    const all = await lintMigrations({ database: p.database, ...lintConfig(config), all: true });
    expect(all.migrations.map((m) => m.name)).toEqual(['001_base', '002_index', '003_column']);
    expect(all.findings.filter((f) => f.migration === '001_base' && f.source === 'dbctl')).toEqual([]);

    // Without squawk, one note says so and dbctl's own rules still run.
    const bare = await lintMigrations({ database: p.database, ...lintConfig(config), squawk: { available: false, reason: 'no squawk here' } });
    expect(bare.notes).toEqual(["squawk's rules skipped: no squawk here"]);
    expect(bare.findings.map((f) => f.rule)).toEqual(['transaction-block', 'large-table-lock']);

    writeFiles(p.cwd, { 'dbctl.config.ts': `export default { lint: { rules: { 'no-such-rule': 'off' } } };\n` });
    const bad = await resolveConfig({ cwd: p.cwd, url: p.url, environ: {} });
    await expect(lintMigrations({ database: p.database, ...lintConfig(bad) })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('squawk binary', () => {
  it('comes from the platform package, or names why it cannot', () => {
    const found = findSquawk({});
    expect(found).toMatchObject({ available: true, version: '2.66.0' });
    expect(found.available && found.path).toMatch(/@squawk-cli[/\\][a-z0-9]+-[a-z0-9]+[/\\]bin[/\\]squawk(\.exe)?$/);
    expect(findSquawk({ DBCTL_SQUAWK: '/nonexistent/squawk' })).toEqual({ available: false, reason: 'DBCTL_SQUAWK=/nonexistent/squawk does not exist' });
    expect(findSquawk({ DBCTL_SQUAWK: '' })).toEqual({ available: false, reason: 'DBCTL_SQUAWK is set but empty: name a squawk binary, or unset it for the bundled one' });
  });
});

describe('lint config', () => {
  it('takes off, warn or error per rule, checked when the file is loaded', () => {
    expect(() => validateConfig({ lint: { rules: { 'renaming-column': 'error' }, largeTableRows: 5000 } }, 'dbctl.config.ts')).not.toThrow();
    expect(() => validateConfig({ lint: { rules: { 'renaming-column': 'warning' } } }, 'dbctl.config.ts')).toThrow(
      "dbctl.config.ts: lint.rules.renaming-column must be 'off', 'warn' or 'error', got \"warning\"",
    );
    // migrate up refuses what transaction-block finds whatever lint is told, so lint says so too.
    for (const level of ['off', 'warn'] as const) {
      expect(() => lintSettings({ rules: { 'transaction-block': level } })).toThrow('lint.rules: "transaction-block" is always an error: migrate up refuses what it finds');
    }
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { openDatabase } from '../../src/driver/database.js';
import { lintConfig, lintMigrations, type LintFinding, type LintReport } from '../../src/lint/index.js';
import { lintSettings } from '../../src/lint/rules.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { backends, freshDatabase } from '../helpers/backends.js';

const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');
const MIGRATIONS = path.join(CORPUS, 'migrations');

/** A case: annotated rules (+ must be found, - must not) over a range of 1-based lines. */
interface Case {
  file: string;
  from: number;
  to: number;
  expect: { rule: string; found: boolean }[];
}

const SQL_ANNOTATION = /^\s*--\s*((?:[+-][a-z][a-z-]*\s*)+)$/;
const TS_ANNOTATION = /^\s*\/\/\s*((?:[+-][a-z][a-z-]*\s*)+)$/;

/**
 * The corpus's annotations (see corpus/README.md): in SQL, a block runs from the annotation to
 * the next blank line; in TS, an annotation speaks for the whole migration.
 */
function cases(): Case[] {
  const out: Case[] = [];
  for (const name of fs.readdirSync(MIGRATIONS).sort()) {
    if (name.startsWith('0001_')) continue;
    const lines = fs.readFileSync(path.join(MIGRATIONS, name), 'utf8').split('\n');
    const sql = name.endsWith('.sql');
    lines.forEach((line, k) => {
      const m = (sql ? SQL_ANNOTATION : TS_ANNOTATION).exec(line);
      if (!m) return;
      let end = k;
      while (sql && end < lines.length && lines[end].trim() !== '') end++;
      const expect = m[1].trim().split(/\s+/).map((a) => ({ rule: a.slice(1), found: a[0] === '+' }));
      out.push({ file: name, from: sql ? k + 1 : 1, to: sql ? end : lines.length, expect });
    });
  }
  return out;
}

/** The findings a case covers; one reported at the top of a file (an unclosed BEGIN) belongs to its first case. */
function findingsOf(c: Case, all: Case[], findings: LintFinding[]): LintFinding[] {
  const first = all.find((x) => x.file === c.file) === c;
  return findings.filter((f) => path.basename(f.file) === c.file && (f.line === undefined || (f.line >= c.from && f.line <= c.to) || (first && f.line < c.from)));
}

/** What expected.json holds: every finding, with the table sizes (bytes differ by server) masked. */
function stable(report: LintReport) {
  return {
    migrations: report.migrations.map((m) => m.name),
    summary: report.summary,
    notes: report.notes,
    findings: report.findings.map((f) => ({ ...f, message: f.message.replace(/, [\d.]+ (bytes|kB|MB|GB)\)/, ', <size>)') })),
  };
}

describe.each(backends)('migrate lint corpus ($name)', (backend) => {
  it('finds every positive case and none of the negatives, as expected.json lists', async () => {
    const target = await freshDatabase(backend);
    const config = await resolveConfig({ cwd: CORPUS, url: target.url });
    const database = await openDatabase({ url: target.url, cwd: CORPUS });
    let report: LintReport;
    try {
      await new Migrator({ database, ...migratorConfig(config) }).up({ to: '0001_baseline' });
      report = await lintMigrations({ database, ...lintConfig(config) });
    } finally {
      await database.close();
    }

    const all = cases();
    const failures: string[] = [];
    for (const c of all) {
      const found = findingsOf(c, all, report.findings);
      for (const { rule, found: wanted } of c.expect) {
        if (found.some((f) => f.rule === rule) !== wanted) failures.push(`${c.file}:${c.from}: ${wanted ? 'missing' : 'unexpected'} ${rule}`);
      }
    }
    // postgres-version runs only on the embedded database with postgres.version set, which this
    // corpus (run on both backends, no postgres.version) does not have: tests/migrate/postgres-version.test.ts covers it.
    const enabled = Object.entries(lintSettings({ largeTableRows: 1000 }).levels).filter(([rule, level]) => level !== 'off' && rule !== 'postgres-version').map(([rule]) => rule);
    for (const rule of enabled) {
      for (const wanted of [true, false]) {
        if (!all.some((c) => c.expect.some((e) => e.rule === rule && e.found === wanted))) failures.push(`no ${wanted ? 'positive' : 'negative'} case for ${rule}`);
      }
    }
    expect(failures).toEqual([]);
    expect(report.ok).toBe(false);
    await expect(JSON.stringify(stable(report), null, 2) + '\n').toMatchFileSnapshot('corpus/expected.json');
  });
});

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { backends, freshDatabase, type Backend } from '../helpers/backends.js';
import { execSql, ok, project, rewriteDump, TEST_SCHEMA } from './helpers.js';

/**
 * Issue 28: verification catches a changed, a missing and an extra row in any table, and says which
 * table, in the paths that hash rows as they go by: on a server, a directory-format dump hashed from
 * pg_dump's data files with --jobs, restored in sections with --jobs while verification overlaps the
 * index builds; on PGlite, its plain dump through dbctl's loader. The dump's rows are edited (and
 * the dump re-signed, as if the dump tool had lost or invented them), so only the content
 * verification can notice.
 */
const EXTRA = `
create table app.note (id int, body text, at timestamptz, total numeric generated always as (id * 2) stored);
insert into app.note (id, body, at) select g, E'line ' || g || E'\\twith a tab, "quotes" and \\\\', timestamptz '2026-03-01 00:00:00+01' + g * interval '1 day' from generate_series(1, 30) g;
create table "Odd ""Name"" t" ("a b" int, c text[]);
insert into "Odd ""Name"" t" select g, array['x,y', null, 'z "q"'] from generate_series(1, 20) g;`;

describe.each(backends)('verification reports a changed, missing and extra row by table, on $name', (backend) => {
  it('each table in which one row was changed, dropped or added is named with its difference', async () => {
    const src = await freshDatabase(backend);
    await execSql(src.url, TEST_SCHEMA + EXTRA);
    const p = project();
    // app.customer: a changed row; public.orders: a missing one; app.note (a generated column: hashed
    // on the server): an extra one; a table whose name needs quoting: a changed one. Directory dumps
    // hold COPY rows; PGlite's plain dumps hold INSERTs.
    const copy: Edits = [
      ['app.customer', (lines) => lines.map((l) => l.replace(/\tname 17\t/, '\tname 17x\t'))],
      ['public.orders', (lines) => lines.filter((l) => !/^11\t/.test(l))],
      ['app.note', (lines) => [`31\tline 31\t2026-04-01 00:00:00+00`, ...lines]],
      ['public."Odd ""Name"" t"', (lines) => lines.map((l) => l.replace(/^7\t/, '8\t'))],
    ];
    const inserts: Edits = [
      ['app.customer', (lines) => lines.map((l) => l.replace(/'name 17'/, "'name 17x'"))],
      ['public.orders', (lines) => lines.filter((l) => !/VALUES \(11, /.test(l))],
      ['app.note', (lines) => [lines[0].replace(/VALUES \(1, /, 'VALUES (31, '), ...lines]],
      ['public."Odd ""Name"" t"', (lines) => lines.map((l) => l.replace(/VALUES \(7, /, 'VALUES (8, '))],
    ];
    let file: string;
    if (backend.name === 'pg') {
      const backup = ok(await p.run(['--url', src.url, 'backup', '--format', 'directory', '--jobs', '2', '--json']));
      file = backup.file;
      // The digests read from pg_dump's files are the server's: a custom-format backup (hashed by the server) agrees.
      const custom = ok(await p.run(['--url', src.url, 'backup', '--json']));
      expect(readManifest(p.cwd, file).tables).toEqual(readManifest(p.cwd, custom.file).tables);
      // First the untouched dump: restored in sections with --jobs, it verifies.
      const clean = ok(await p.run(['--url', backend.serverUrl!, 'restore', file, '--create', `${src.name}_copy`, '--jobs', '2', '--json']));
      expect(clean).toMatchObject({ ok: true, differences: [], tables: 4, method: 'pg_restore' });
      await execSql(backend.serverUrl!, `drop database "${src.name}_copy"`);
      for (const [table, edit] of copy) editDirectoryDump(p.cwd, file, table, edit);
    } else {
      file = ok(await p.run(['--url', src.url, 'backup', '--json'])).file;
      let text = fs.readFileSync(path.join(p.cwd, file), 'utf8');
      for (const [table, edit] of inserts) text = editInserts(text, table, edit);
      rewriteDump(p.cwd, file, text);
    }
    const manifest = readManifest(p.cwd, file);
    const dst = await freshDatabase(backend);
    const result = await p.run(['restore', file, '--into', dst.url, ...(backend.name === 'pg' ? ['--jobs', '2'] : []), '--json']);
    expect(result.code, result.stderr).toBe(1);
    const rows = (name: string) => manifest.tables.find((t: any) => `${t.schema}.${t.name}` === name).rows;
    const json = result.json();
    const differences = [
      { table: 'app.customer', problem: 'content', expected: manifest.tables[0].hash, actual: expect.any(String) },
      { table: 'app.note', problem: 'rows', expected: 30, actual: 31 },
      { table: 'public.Odd "Name" t', problem: 'content', expected: expect.any(String), actual: expect.any(String) },
      { table: 'public.orders', problem: 'rows', expected: rows('public.orders'), actual: rows('public.orders') - 1 },
    ];
    expect(json.differences ?? json.error?.data?.restore?.differences, result.stdout).toEqual(differences);
    if (backend.name === 'pg') {
      // restore --create loads the data itself, and verifies each table while the next one loads
      // (the last one with the rest, beside the index builds): the same differences, the same way.
      const name = `${dst.name}_created`;
      try {
        const created = await p.run(['--url', backend.serverUrl!, 'restore', file, '--create', name, '--json']);
        expect(created.code, created.stderr).toBe(1);
        expect(created.json().differences, created.stdout).toEqual(differences);
        // No table's rows as loaded match the manifest: each was read back, and that is what differs.
        expect(created.json().hashedAsLoaded).toBe(0);
      } finally {
        await execSql(backend.serverUrl!, `drop database if exists "${name}"`);
      }
    }
  });
});

function readManifest(cwd: string, file: string): any {
  return JSON.parse(fs.readFileSync(path.join(cwd, `${file}.manifest.json`), 'utf8'));
}

type Edits = Array<[string, (lines: string[]) => string[]]>;

/** The INSERT statements of `table` in a plain dump (PGlite's pg_dump writes INSERTs; a value may span lines), edited. */
function editInserts(text: string, table: string, edit: (statements: string[]) => string[]): string {
  const start = text.indexOf(`\nINSERT INTO ${table} `) + 1;
  expect(start, table).toBeGreaterThan(0);
  const end = text.indexOf('\n\n', start); // the table's INSERTs end at the first blank line
  const statements = text.slice(start, end).split(new RegExp(`\n(?=INSERT INTO ${table.replace(/[.*+?^${}()|[\]\\"]/g, '\\$&')} )`));
  return text.slice(0, start) + edit(statements).join('\n') + text.slice(end);
}

/** Edits `table`'s data file in a directory dump (found by its COPY in pg_restore's script) and re-signs the manifest. */
function editDirectoryDump(cwd: string, dir: string, table: string, edit: (lines: string[]) => string[]): void {
  const folder = path.join(cwd, dir);
  const toc = fs.readFileSync(path.join(folder, 'toc.dat')).toString('latin1');
  // The TOC holds each data entry's COPY statement and, after it, its file name.
  const at = toc.indexOf(`COPY ${table} `);
  expect(at, table).toBeGreaterThan(-1);
  const name = `${/(\d+\.dat)/.exec(toc.slice(at))![1]}.gz`;
  const data = zlib.gunzipSync(fs.readFileSync(path.join(folder, name))).toString('utf8');
  const end = data.indexOf('\\.\n');
  const edited = edit(data.slice(0, end).split('\n').filter((l, i, all) => i < all.length - 1 || l !== '')).join('\n') + '\n' + data.slice(end);
  fs.writeFileSync(path.join(folder, name), zlib.gzipSync(edited));
  const manifestFile = path.join(cwd, `${dir}.manifest.json`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  manifest.files[name] = createHash('sha256').update(fs.readFileSync(path.join(folder, name))).digest('hex');
  const sum = createHash('sha256');
  for (const n of Object.keys(manifest.files).sort()) sum.update(`${n} ${manifest.files[n]}\n`);
  manifest.sha256 = sum.digest('hex');
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
}

export type { Backend };

// At the large size: past a million rows, where the digest moves its sums to bigints (every 2^20
// rows, src/catalog/copy-digest.ts) and restore --create hashes the rows as it loads them.
const native = backends.find((b) => b.name === 'pg');
describe.runIf(native)('verification past a million rows, as restore --create loads them (server; skipped without TEST_DATABASE_URL)', () => {
  it('verifies the untouched dump as it loads, and reports a changed, a missing and an extra row', async () => {
    const backend = native!;
    const src = await freshDatabase(backend);
    await execSql(src.url, `create table big (id int, body text); insert into big select g, 'row ' || g from generate_series(1, 1100000) g;`);
    const p = project();
    const edits: Array<[string, (lines: string[]) => string[], { problem: string; actual?: unknown }]> = [
      ['changed', (lines) => lines.map((l) => (l === '700000\trow 700000' ? '700000\trow 700000x' : l)), { problem: 'content' }],
      ['missing', (lines) => lines.filter((l) => l !== '1050000\trow 1050000'), { problem: 'rows', actual: 1099999 }],
      ['extra', (lines) => [...lines, '1100001\trow 1100001'], { problem: 'rows', actual: 1100001 }],
    ];
    const names: string[] = [];
    try {
      const clean = ok(await p.run(['--url', src.url, 'backup', '--format', 'directory', '--out', 'clean.dumpdir', '--json']));
      names.push(`${src.name}_clean`);
      const made = ok(await p.run(['--url', backend.serverUrl!, 'restore', clean.file, '--create', names[0], '--json']));
      expect(made).toMatchObject({ ok: true, differences: [], rows: 1100000, hashedAsLoaded: 1 });
      for (const [kind, edit, expected] of edits) {
        const file = `${kind}.dumpdir`;
        ok(await p.run(['--url', src.url, 'backup', '--format', 'directory', '--out', file, '--json']));
        editDirectoryDump(p.cwd, file, 'public.big', edit);
        names.push(`${src.name}_${kind}`);
        const restored = await p.run(['--url', backend.serverUrl!, 'restore', file, '--create', names.at(-1)!, '--json']);
        expect(restored.code, restored.stderr).toBe(1);
        expect(restored.json()).toMatchObject({ hashedAsLoaded: 0, differences: [{ table: 'public.big', ...expected }] });
      }
    } finally {
      for (const name of names) await execSql(backend.serverUrl!, `drop database if exists "${name}" with (force)`);
    }
  });
});

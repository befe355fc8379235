import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tableContents } from '../catalog/contents.js';
import type { TableRef } from '../catalog/tables.js';
import type { SqlClient } from '../driver/database.js';
import { CopyDigest } from '../catalog/copy-digest.js';
import { decompressingSink, followFile } from './follow-file.js';
import { toSnapshot, type TableSnapshot } from './snapshot.js';
import { tableDataEntries } from './toc.js';
import type { Tool } from './tools.js';

/** A data file pg_dump's directory format writes: `<dump id>.dat`, compressed `.dat.gz`. */
const DATA_FILE = /^(\d+)\.dat(\.gz)?$/;

export interface DirectoryHashing {
  lead: SqlClient;
  dir: string;
  tables: TableRef[];
  /** pg_restore, to read the finished dump's table of contents. */
  restoreTool: Tool;
  distributed?: 'citus';
  onTable?: (done: number, total: number) => void;
}

interface Followed {
  dumpId: number;
  digest: CopyDigest;
  sha256: string;
}

/**
 * Hashes a directory-format dump's rows as pg_dump writes them: every data file is read (from the
 * page cache) while it grows, decompressed and its COPY rows hashed, so the database is read once.
 * `dumping` is pg_dump's run. Tables whose COPY leaves columns out (generated ones) and tables the
 * dump holds no data for are hashed on the server, on the lead session's snapshot (pg_dump's).
 * Returns the manifest's tables and every file's sha256.
 */
export async function hashWhileDumping(options: DirectoryHashing, dumping: Promise<unknown>): Promise<{ tables: TableSnapshot[]; files: Record<string, string> }> {
  const { lead, dir, tables } = options;
  let finished = false;
  const ended = dumping.finally(() => void (finished = true));
  ended.catch(() => {}); // awaited below
  const followed = new Map<string, Promise<Followed>>();
  const follow = (name: string, dumpId: number) => {
    const entry = (async () => {
      const digest = await CopyDigest.create();
      const sink = decompressingSink(name, (chunk) => digest.update(chunk));
      const sha256 = await followFile(path.join(dir, name), () => finished, (chunk) => sink.write(chunk));
      await sink.end();
      return { dumpId, digest, sha256 };
    })();
    entry.catch(() => {}); // awaited below
    followed.set(name, entry);
  };
  const watch = (async () => {
    for (let last = false; !last; ) {
      last = finished;
      for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
        const id = DATA_FILE.exec(name)?.[1];
        if (id && !followed.has(name)) follow(name, Number(id));
      }
      if (!last) await Promise.race([sleep(25), ended.catch(() => {})]);
    }
  })();

  const meta = await tableMeta(lead, tables);
  // Generated columns are not in pg_dump's COPY: those tables' digests come from the server, while pg_dump runs.
  const generated = tables.filter((_, i) => meta[i].generated);
  const fromServer = tableContents(lead, generated, { distributed: options.distributed });
  fromServer.catch(() => {});
  await ended;
  await watch;
  const files: Record<string, string> = {};
  const byOid = new Map<number, CopyDigest>();
  const entries = await tableDataEntries(options.restoreTool, dir);
  for (const [name, entry] of followed) {
    const f = await entry;
    files[name] = f.sha256;
    const oid = entries.get(f.dumpId);
    if (oid !== undefined) byOid.set(oid, f.digest);
  }
  files['toc.dat'] = await followFile(path.join(dir, 'toc.dat'), () => true, () => {});

  const snapshots = new Map<TableRef, TableSnapshot>();
  (await fromServer).forEach((t, i) => snapshots.set(generated[i], toSnapshot(t)));
  const missing: TableRef[] = [];
  tables.forEach((t, i) => {
    if (meta[i].generated) return;
    const done = byOid.get(meta[i].oid)?.finish();
    if (!done?.complete) return void missing.push(t);
    snapshots.set(t, { schema: t.schema, name: t.table, rows: done.rows, hash: done.digest });
    options.onTable?.(snapshots.size, tables.length);
  });
  // Tables the dump holds no (whole) data for: hashed on the server, on the same snapshot.
  const late = await tableContents(lead, missing, { distributed: options.distributed });
  missing.forEach((t, i) => snapshots.set(t, toSnapshot(late[i])));
  return { tables: tables.map((t) => snapshots.get(t)!), files };
}

/** Each table's OID (what the dump's table of contents names it by) and whether it has generated columns. */
async function tableMeta(lead: SqlClient, tables: TableRef[]): Promise<Array<{ oid: number; generated: boolean }>> {
  if (!tables.length) return [];
  const { rows } = await lead.query<{ oid: string; generated: boolean }>(`
    select c.oid::int8::text as oid,
      exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated <> '') as generated
    from unnest($1::text[], $2::text[]) with ordinality as x(s, t, i)
    join pg_catalog.pg_namespace n on n.nspname = x.s
    join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = x.t
    order by x.i`, [tables.map((t) => t.schema), tables.map((t) => t.table)]);
  return rows.map((r) => ({ oid: Number(r.oid), generated: r.generated }));
}

/**
 * What pg_dump's sessions must print rows with for the digest to be the server's (the canonical
 * settings of src/catalog/contents.ts). pg_dump sets DateStyle ISO, IntervalStyle postgres and
 * extra_float_digits 3 itself (the same text as 1 since PostgreSQL 12); the time zone and the bytea
 * form come from PGOPTIONS; the client encoding is the database's, so the bytes are the server's.
 */
export function canonicalDumpEnv(serverEncoding: string): Record<string, string> {
  const own = process.env.PGOPTIONS ? `${process.env.PGOPTIONS} ` : '';
  return { PGOPTIONS: `${own}-c timezone=UTC -c bytea_output=hex`, PGCLIENTENCODING: serverEncoding };
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/driver/database.js';
import { pgliteBaseImage } from '../../src/driver/pglite/image.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

async function systemIdentifier(url: string): Promise<string> {
  const database = await openDatabase({ url });
  try {
    const { rows } = await database.query<{ id: string }>('select system_identifier::text as id from pg_control_system()');
    return rows[0].id;
  } finally {
    await database.close();
  }
}

describe('embedded database directories', () => {
  it('a new directory starts as a copy of the base image, not a fresh initdb', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-open-'));
    dirs.push(root);
    // initdb gives every cluster its own system identifier; copies of one image share it.
    const a = await systemIdentifier(`pglite://${path.join(root, 'a')}`);
    const b = await systemIdentifier(`pglite://${path.join(root, 'b', 'nested')}`);
    expect(a).toBe(b);
    // An existing directory is opened as it is, and keeps its data.
    const database = await openDatabase({ url: `pglite://${path.join(root, 'a')}` });
    try {
      await database.query('create table kept (id int); insert into kept values (1)');
    } finally {
      await database.close();
    }
    const again = await openDatabase({ url: `pglite://${path.join(root, 'a')}` });
    try {
      expect((await again.query('select id from kept')).rows).toEqual([{ id: 1 }]);
    } finally {
      await again.close();
    }
  });

  it.skipIf(process.getuid === undefined)('never copies a base image that other users could have written', async () => {
    const image = await pgliteBaseImage();
    expect(fs.statSync(image).mode & 0o077).toBe(0);
    const mode = fs.statSync(image).mode & 0o777;
    fs.chmodSync(image, mode | 0o022);
    try {
      const other = await pgliteBaseImage();
      dirs.push(other);
      expect(other).not.toBe(image);
      expect(fs.existsSync(path.join(other, 'PG_VERSION'))).toBe(true);
    } finally {
      fs.chmodSync(image, mode);
    }
    expect(await pgliteBaseImage()).toBe(image);
  });
});

describe('embedded databases in memory', () => {
  it('start as the base image (no initdb), each with files of its own', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-open-'));
    dirs.push(root);
    // The same system identifier as a directory database: both are the one base image.
    expect(await systemIdentifier('pglite://memory')).toBe(await systemIdentifier(`pglite://${path.join(root, 'a')}`));
    // Every memory database gets its own copy of the image's bytes: what one writes (a table,
    // its rows, the catalog and control files) is not in the next one opened, nor in one open beside it.
    const first = await openDatabase({ url: 'pglite://memory' });
    const second = await openDatabase({ url: 'pglite://memory' });
    try {
      await first.query('create table only_here (id int primary key, note text)');
      await first.query(`insert into only_here select g, repeat('x', 500) from generate_series(1, 2000) g`);
      await first.query('checkpoint');
      const exists = async (database: typeof first) => (await database.query<{ t: string | null }>(`select to_regclass('public.only_here')::text as t`)).rows[0].t;
      expect(await exists(first)).toBe('only_here');
      expect(await exists(second)).toBeNull();
      await second.query('create table only_here (id int)'); // no clash: its own catalog
      const third = await openDatabase({ url: 'pglite://memory' });
      try {
        expect(await exists(third)).toBeNull();
      } finally {
        await third.close();
      }
    } finally {
      await first.close();
      await second.close();
    }
  }, 120_000);
});


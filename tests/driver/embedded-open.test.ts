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

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { backends } from '../helpers/backends.js';
import { createTable, migrationProject } from './helpers.js';

const sha256 = (text: string) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
const states = async (p: { migrator: { status(): Promise<{ migrations: { name: string; state: string }[] }> } }) =>
  Object.fromEntries((await p.migrator.status()).migrations.map((m) => [m.name, m.state]));

describe.each(backends)('checksums and repair on $name', (backend) => {
  it('ignores line endings and a BOM: an applied migration checked out with CRLF is not modified', async () => {
    const lf = createTable('a');
    const p = await migrationProject(backend, { '001_a.sql': lf });
    await p.migrator.up();
    p.write({ '001_a.sql': '\uFEFF' + lf.replace(/\n/g, '\r\n') });
    expect(await states(p)).toEqual({ '001_a': 'applied' });
    await p.migrator.verify();
    expect((await p.migrator.up()).results).toEqual([]);
  });

  it('accepts checksums recorded as raw bytes before normalisation, whichever way the file is now checked out', async () => {
    const lf = createTable('a');
    const crlf = lf.replace(/\n/g, '\r\n');
    const p = await migrationProject(backend, { '001_a.sql': crlf, '002_b.sql': createTable('b') });
    await p.migrator.up();
    // As an older dbctl recorded them: sha256 of the bytes, CRLF and all.
    await p.query(`update public.dbctl_migration set checksum = '${sha256(crlf)}' where name = '001_a'`);
    expect(await states(p)).toEqual({ '001_a': 'applied', '002_b': 'applied' });
    p.write({ '001_a.sql': lf });
    expect(await states(p)).toEqual({ '001_a': 'applied', '002_b': 'applied' });
    p.write({ '001_a.sql': lf + '-- edited\n' });
    expect(await states(p)).toEqual({ '001_a': 'modified', '002_b': 'applied' });
  });

  it('--allow-drift overrides one run only; repair records the reviewed change with who and when', async () => {
    const p = await migrationProject(backend, { '001_a.sql': createTable('a'), '002_b.sql': createTable('b') });
    await p.migrator.up();
    // A history table from before repair existed: without its columns.
    await p.query('alter table public.dbctl_migration drop column repaired_at, drop column repaired_by');
    p.write({ '001_a.sql': createTable('a') + '-- reviewed comment\n', '002_b.sql': createTable('b') + '-- also\n', '003_c.sql': createTable('c') });
    expect((await p.migrator.up().catch((e) => e)).exitCode).toBe(ExitCode.refused);
    await p.migrator.up({ allowDrift: true });
    expect(await states(p)).toMatchObject({ '001_a': 'modified', '002_b': 'modified' });
    expect((await p.migrator.up({ step: 1 }).catch((e) => e)).code).toBe('drift');

    expect(await p.migrator.repair(['001_a'])).toEqual({ repaired: ['001_a'], checked: 1 });
    expect(await states(p)).toEqual({ '001_a': 'applied', '002_b': 'modified', '003_c': 'applied' });
    expect(await p.migrator.repair()).toEqual({ repaired: ['002_b'], checked: 3 });
    expect(await p.migrator.repair()).toEqual({ repaired: [], checked: 3 });
    await p.migrator.verify();
    const rows = await p.query(`select name, repaired_by, repaired_at is not null as at from public.dbctl_migration order by name`);
    expect(rows.map((r) => [r.name, !!r.repaired_by?.includes('@'), r.at])).toEqual([['001_a', true, true], ['002_b', true, true], ['003_c', false, false]]);

    await expect(p.migrator.repair(['nope'])).rejects.toThrow('repair: no migration named "nope"');
    p.write({ '004_d.sql': createTable('d') });
    await expect(p.migrator.repair(['004_d'])).rejects.toMatchObject({ exitCode: ExitCode.usage, message: 'repair: 004_d is not applied' });
  });
});

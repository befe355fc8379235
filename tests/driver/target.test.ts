import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTarget, redact } from '../../src/driver/target.js';

describe('database URLs', () => {
  it('defaults to embedded PGlite under .dbctl/pglite', () => {
    const t = parseTarget(undefined, '/proj');
    expect(t).toMatchObject({ kind: 'pglite', dataDir: path.resolve('/proj/.dbctl/pglite') });
  });

  it('parses pglite://memory and pglite://PATH', () => {
    expect(parseTarget('pglite://memory', '/p')).toMatchObject({ kind: 'pglite', dataDir: null });
    expect(parseTarget('pglite://data/db', '/p')).toMatchObject({ kind: 'pglite', dataDir: path.resolve('/p/data/db') });
  });

  it('parses postgres URLs with host, port, database, user and sslmode', () => {
    expect(parseTarget('postgresql://app:pw@db.example.com:6543/shop?sslmode=require', '/')).toMatchObject({
      kind: 'pg', host: 'db.example.com', port: 6543, database: 'shop', user: 'app', sslmode: 'require',
    });
  });

  it('rejects other schemes with a one-line error that hides the password', () => {
    expect(() => parseTarget('mysql://root:secret@x/db', '/')).toThrow(/expected postgres:\/\//);
    try {
      parseTarget('mysql://root:secret@x/db', '/');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('secret');
    }
  });

  it('redacts passwords wherever a URL appears in text', () => {
    expect(redact('failed for postgres://u:s3cr%40t@h:5432/d and postgresql://x:y@z/w')).toBe(
      'failed for postgres://u:***@h:5432/d and postgresql://x:***@z/w',
    );
  });
});

/**
 * The target line, the guard, productionHosts and --confirm all name the database parseTarget
 * reads; the connection opens what node-postgres reads. They must be the same database, whatever
 * the URL leaves out and the PG* variables fill in (PGPORT=5441 with a URL without a port reached
 * 5441 while the target line said 5432 and the guard checked 5432). Checked against pg's own reading,
 * so a spelling added to either side is caught.
 */
describe('a postgres URL names the database the driver connects to', () => {
  const urls = [
    'postgres://app@db.example.com:6543/shop',
    'postgres://app@db.example.com/shop',
    'postgres://app@db.example.com',
    'postgres://db.example.com/shop',
    'postgres://app@db.example.com/shop?port=7000',
    'postgres://app@db.example.com:6543/shop?host=other.example.com',
    'postgres://app@db.example.com/shop?user=other',
    'postgres://app@[::1]:6543/shop',
    'postgresql://app@db.example.com/sh%20op',
  ];
  const environs: Array<Record<string, string>> = [{}, { PGHOST: 'envhost', PGPORT: '5441', PGDATABASE: 'envdb', PGUSER: 'envuser' }, { PGPORT: '5441' }];

  it.each(urls.flatMap((url) => environs.map((environ) => [url, environ] as const)))('%s with %o', async (url, environ) => {
    const { default: ConnectionParameters } = await import('pg/lib/connection-parameters.js' as string);
    const saved = { ...process.env };
    try {
      for (const key of ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER']) delete process.env[key];
      Object.assign(process.env, environ);
      const driver = new ConnectionParameters({ connectionString: url });
      const target = parseTarget(url, '/');
      // (With neither USER nor PGUSER set, pg has no user and cannot connect; the label is then a guess.)
      expect(target).toMatchObject({ kind: 'pg', host: driver.host, port: driver.port, database: driver.database, user: driver.user ?? expect.any(String) });
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('an empty database name after the "/" (postgres://host:5432/$DB with DB unset) is refused, not the user\'s own database', () => {
    for (const url of ['postgres://u:S3cretPW@h:5432/', 'postgres://h/', 'postgres://h/?sslmode=require']) {
      expect(() => parseTarget(url, '/')).toThrow(expect.objectContaining({ code: 'usage', message: expect.stringContaining('the database name after the last "/" is empty') }));
      try { parseTarget(url, '/'); } catch (e) { expect((e as Error).message).not.toContain('S3cretPW'); }
      // A URL that names a server (a fleet's `server`, a test server) may end in a bare "/".
      expect(parseTarget(url, '/', { server: true })).toMatchObject({ kind: 'pg' });
    }
  });
});

describe('an embedded directory with a control character or outer space is refused, not a new database beside the real one', () => {
  it.each(['pglite://devdb\r', 'pglite://devdb\n', 'pglite://dev\tdb', 'pglite://devdb ', 'pglite:// devdb'])('%j', (url) => {
    expect(() => parseTarget(url, '/p')).toThrow(expect.objectContaining({ code: 'usage', message: expect.stringContaining('control character or leading/trailing space') }));
  });

  it('a postgres:// URL is read as the driver reads it: the URL parser trims the same characters on both sides', async () => {
    const { default: ConnectionParameters } = await import('pg/lib/connection-parameters.js' as string);
    const url = 'postgres://u@h:5432/app\r\n';
    expect(parseTarget(url, '/')).toMatchObject({ database: new ConnectionParameters({ connectionString: url }).database });
  });
});

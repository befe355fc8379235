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

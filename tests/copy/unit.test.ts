import { describe, expect, it } from 'vitest';
import { parseSubset } from '../../src/cli/commands/db-copy.js';
import { validateCopyConfig } from '../../src/config/copy.js';
import { validateConfig } from '../../src/config/validate.js';
import { formatLine, parseLine } from '../../src/copy/copy-text.js';
import { lineTransform, rulesByTable } from '../../src/copy/mask-plan.js';
import { MaskKit } from '../../src/copy/maskers.js';
import { HmacSha256 } from '../../src/copy/hmac-sha256.js';
import { createHmac, randomBytes } from 'node:crypto';
import { unruledColumns } from '../../src/copy/strict.js';

describe('db copy without a database', () => {
  it('maskers: the same value gives the same fake in every table and run; another secret another fake; reserved domains and numbers', () => {
    const kit = new MaskKit('secret');
    const email = kit.builtin('email');
    const a = email('Alice@Mail.test', () => ({}));
    expect(a).toMatch(/^[a-z.]+\.[0-9a-f]{8}@example\.com$/);
    expect(new MaskKit('secret').builtin('email')('alice@mail.test', () => ({}))).toBe(a);
    expect(new MaskKit('other').builtin('email')('alice@mail.test', () => ({}))).not.toBe(a);
    expect(email('bob@mail.test', () => ({}))).not.toBe(a);
    expect(kit.builtin('phone')('+1 415 555 0100', () => ({}))).toMatch(/^\+44 7700 900\d{3}$/);
    expect(kit.builtin('ip')('10.1.2.3', () => ({}))).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/);
    expect(kit.builtin('hash')('7d6c2a1e-8f3b-4a5c-9d0e-1f2a3b4c5d6e', () => ({}))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(kit.builtin('null')('x', () => ({}))).toBeNull();
    expect(kit.builtin('name')(null, () => ({}))).toBeNull();
  });

  it('HMAC-SHA256 in JS gives the bytes createHmac gives, for short, long, multi-byte and binary messages and long keys', () => {
    const messages: Array<string | Buffer> = ['', 'a', 'email\0alice@mail.test', 'Zoë 😀 \ud800 lone', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'é'.repeat(300), randomBytes(32), randomBytes(200)];
    for (let n = 0; n < 130; n++) messages.push(randomBytes(n).toString('base64').slice(0, n));
    for (const key of ['', 'secret', 'k'.repeat(64), 'k'.repeat(65), 'ключ'.repeat(30)]) {
      const mine = new HmacSha256(key);
      for (const m of messages) expect(mine.digest(m).toString('hex')).toBe(createHmac('sha256', key).update(m).digest('hex'));
    }
  });

  it('maskers give the very fakes they gave before the JS HMAC (a staging copy made earlier still joins with a new one)', () => {
    const kit = new MaskKit('bench-secret');
    const value = 'Alice Ünïcode 😀 alice@mail.test';
    const of = (kind: Parameters<MaskKit['builtin']>[0], v = value) => kit.builtin(kind)(v, () => ({}));
    expect(of('email')).toBe('reese.gerlach.3cf4900a@example.com');
    expect(of('phone')).toBe('+44 7700 900587');
    expect(of('name')).toBe('Golden Reichel');
    expect(of('firstName')).toBe('Onie');
    expect(of('lastName')).toBe('Flatley');
    expect(of('address')).toBe('857 Torphy Groves, Homestead');
    expect(of('ip')).toBe('198.51.100.222');
    expect(of('text', 'a rather long free text about Zoë, more than eight words long so that picks run out and rehash')).toBe('distinctio causa aliquam pectus desolo cras vinco decor dens iusto deduco vulticulus validus u');
    expect(of('hash', '7d6c2a1e-8f3b-4a5c-9d0e-1f2a3b4c5d6e')).toBe('98a43428-dd27-4592-8298-72eaff0272bc');
    expect(new MaskKit('k'.repeat(100)).builtin('email')('bob@mail.test', () => ({}))).toBe('jules.ernser.f3259ab1@example.com');
    expect(kit.fakerFor('users.x', 'v').person.firstName()).toBe('Flora');
  });

  it('COPY text: escapes survive a parse and a format', () => {
    const line = 'a\\tb\t\\N\tline\\none\tback\\\\slash';
    expect(parseLine(line)).toEqual(['a\tb', null, 'line\none', 'back\\slash']);
    expect(formatLine(parseLine(line))).toBe(line + '\n');
  });

  it('a table transform masks its ruled columns with the row at hand, and passes other tables through', () => {
    const rules = rulesByTable({ 'users.email': 'email', 'users.note': (row) => `${row.id}!`, 'public.orders.id': 'keep' });
    const t = lineTransform('public.users', ['id', 'email', 'note'], rules.get('public.users'), new MaskKit('s'))!;
    const [id, email, note] = parseLine(t('7\talice@mail.test\tsecret\n').trimEnd());
    expect([id, note]).toEqual(['7', '7!']);
    expect(email).toMatch(/@example\.com$/);
    expect(lineTransform('public.orders', ['id'], rules.get('public.orders'), null)).toBeNull();
    expect(() => lineTransform('public.users', ['id', 'email'], rules.get('public.users'), null)).toThrow(/DBCTL_COPY_SECRET/);
  });

  it('strict: every column without a rule or a safe entry, generated ones aside', () => {
    const tables = [{ schema: 'public', table: 'users', primaryKey: ['id'], columns: [{ name: 'id', type: 'int', generated: false }, { name: 'email', type: 'text', generated: false }, { name: 'bio', type: 'text', generated: false }, { name: 'len', type: 'int', generated: true }] }];
    expect(unruledColumns(tables, rulesByTable({ 'users.email': 'email' }), ['users.id'])).toEqual([{ table: 'public.users', column: 'bio' }]);
    expect(unruledColumns(tables, rulesByTable({}), ['users.*'])).toEqual([]);
  });

  it('--subset: table:where and table:N%; a bad one is one line naming it', () => {
    expect(parseSubset(["users:created_at > now() - interval '30 days'", 'orgs:5%'])).toEqual({ start: [{ table: 'users', where: "created_at > now() - interval '30 days'", given: `--subset "users:created_at > now() - interval '30 days'"` }, { table: 'orgs', percent: 5 }] });
    expect(() => parseSubset(['users'])).toThrow(/--subset "users": expected table:where or table:N%/);
    expect(() => parseSubset(['orgs:150%'])).toThrow(/at most 100/);
  });

  it('copy config: a wrong key or value is one line naming it', () => {
    expect(() => validateConfig({ copy: { mask: { 'users.email': 'emial' } } }, 'dbctl.config.ts')).toThrow(/copy\.mask\["users\.email"\] must be one of email/);
    expect(() => validateConfig({ copy: { subset: { start: [] } } }, 'dbctl.config.ts')).toThrow(/copy\.subset\.start must be a non-empty list/);
    expect(() => validateConfig({ copy: { subest: {} } }, 'dbctl.config.ts')).toThrow(/unknown option "copy\.subest"/);
    expect(() => validateCopyConfig({ subset: { start: [{ table: 'orgs', percent: 0 }] } }, 'f')).toThrow(/percent must be a number above 0/);
    expect(() => validateCopyConfig({ virtualForeignKeys: [{ table: 'c', columns: 'x', references: 'p' }] }, 'f')).toThrow(/virtualForeignKeys\[0\]/);
    expect(() => validateCopyConfig({ mask: { 'users.note': (row: Record<string, unknown>) => row.id }, safe: ['users.*'], strict: true, jobs: 2 }, 'f')).not.toThrow();
  });
});

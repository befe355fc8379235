import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { templateSources } from '../../src/config/props.js';
import { templateHash } from '../../src/testdb/hash.js';
import { tempProject } from '../helpers/cli.js';
import { migration } from './helpers.js';

describe('template hash', () => {
  it('changes when a migration, a test or common seed, or a fixture changes, and only then', async () => {
    const cwd = tempProject({
      'migrations/001_a.sql': migration('create table a (id int);'),
      'seeds/common/01.sql': 'select 1;',
      'seeds/test/01.sql': 'select 2;',
      'seeds/development/01.sql': 'select 3;',
      'fixtures/courses.json': '[]',
      'README.md': 'hello',
    });
    const config = await resolveConfig({ cwd, env: 'test', environ: {} });
    const hash = () => templateHash(templateSources(config), false);
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(cwd, rel)), { recursive: true });
      fs.writeFileSync(path.join(cwd, rel), text);
    };
    const seen = new Set([hash()]);
    const changes = (rel: string, text: string) => {
      write(rel, text);
      const h = hash();
      const isNew = !seen.has(h);
      seen.add(h);
      return isNew;
    };

    expect(changes('README.md', 'changed')).toBe(false);
    expect(changes('seeds/development/01.sql', 'select 33;')).toBe(false);
    expect(changes('seeds/staging/01.sql', 'select 4;')).toBe(false);
    expect(changes('src/app.ts', 'export {};')).toBe(false);

    expect(changes('migrations/001_a.sql', migration('create table a (id bigint);'))).toBe(true);
    expect(changes('migrations/002_b.sql', migration('create table b (id int);'))).toBe(true);
    expect(changes('seeds/test/01.sql', 'select 22;')).toBe(true);
    expect(changes('seeds/common/02.sql', 'select 5;')).toBe(true);
    expect(changes('fixtures/courses.json', '[{"id":1}]')).toBe(true);
    expect(templateHash(templateSources(config), true)).not.toBe(hash());
    // Stable: the same files give the same hash.
    expect(hash()).toBe(hash());
  });
});

import { describe, expect, it } from 'vitest';
import { compareTables, type Manifest } from '../../src/backup/manifest.js';

const manifest = (content: Manifest['content'], tables: Manifest['tables']) => ({ content, tables }) as Manifest;
const t = (name: string, rows: number | null, hash: string | null) => ({ schema: 'public', name, rows, hash });

describe('compareTables', () => {
  it('reports missing, extra, row count and content differences', () => {
    const m = manifest('full', [t('a', 1, 'h1'), t('b', 2, 'h2'), t('c', 3, 'h3')]);
    expect(compareTables(m, [t('a', 1, 'h1'), t('b', 2, 'zz'), t('d', 0, 'h0')])).toEqual([
      { table: 'public.b', problem: 'content', expected: 'h2', actual: 'zz' },
      { table: 'public.c', problem: 'missing' },
      { table: 'public.d', problem: 'extra' },
    ]);
    expect(compareTables(m, [t('a', 1, 'h1'), t('b', 5, 'h2'), t('c', 3, 'h3')])).toEqual([{ table: 'public.b', problem: 'rows', expected: 2, actual: 5 }]);
  });

  it('schema-only compares the table set; data-only ignores extra tables', () => {
    expect(compareTables(manifest('schema-only', [t('a', null, null)]), [t('a', 0, 'x')])).toEqual([]);
    expect(compareTables(manifest('data-only', [t('a', 1, 'h')]), [t('a', 1, 'h'), t('other', 4, 'y')])).toEqual([]);
  });
});

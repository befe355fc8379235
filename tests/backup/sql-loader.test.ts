import { describe, expect, it } from 'vitest';
import { splitDump } from '../../src/backup/sql-loader.js';

const known = new Set(['statement_timeout', 'client_encoding']);

const DUMP = [
  '\\restrict abc',
  'SET statement_timeout = 0;',
  'SET transaction_timeout = 0;',
  "SELECT pg_catalog.set_config('search_path', '', false);",
  '',
  '--',
  '-- Name: t; Type: TABLE; Schema: public; Owner: app',
  '--',
  '',
  'CREATE TABLE public.t (id int, note text);',
  'ALTER TABLE public.t OWNER TO app;',
  '',
  '--',
  '-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: app',
  '--',
  '',
  "INSERT INTO public.t VALUES (1, 'line one",
  '\\connect not-a-command',
  "ALTER TABLE public.t OWNER TO nobody;');",
  'COPY public.t (id, note) FROM stdin;',
  '2\tx\\ny',
  '3\t\\N',
  '\\.',
  '',
  '--',
  '-- Name: TABLE t; Type: ACL; Schema: public; Owner: app',
  '--',
  '',
  'GRANT SELECT ON TABLE public.t TO reader;',
  '',
].join('\n');

describe('splitDump', () => {
  const pieces = splitDump(DUMP, known);

  it('drops meta-commands, unknown settings and ownership outside data; keeps grants', () => {
    const preamble = pieces[0];
    expect(preamble.kind).toBe('sql');
    const text = preamble.kind === 'sql' ? preamble.text : '';
    expect(text).not.toContain('\\restrict');
    expect(text).toContain('SET statement_timeout = 0;');
    expect(text).not.toContain('transaction_timeout');
    const table = pieces[1];
    expect(table).toMatchObject({ kind: 'sql', entry: 'Name: t; Type: TABLE; Schema: public; Owner: app' });
    expect(table.kind === 'sql' && table.text).not.toContain('OWNER TO');
    expect(pieces[4]).toMatchObject({ kind: 'sql', text: expect.stringContaining('GRANT SELECT ON TABLE public.t TO reader;') });
  });

  it('keeps data lines as they are, even when they look like commands', () => {
    const data = pieces[2];
    expect(data.kind === 'sql' && data.text).toContain("'line one\n\\connect not-a-command\nALTER TABLE public.t OWNER TO nobody;');");
  });

  it('cuts COPY blocks out with their data', () => {
    expect(pieces[3]).toEqual({ kind: 'copy', statement: 'COPY public.t (id, note) FROM stdin;', data: '2\tx\\ny\n3\t\\N\n', entry: expect.stringContaining('TABLE DATA') });
    expect(pieces).toHaveLength(5);
  });

  it('cuts a big data entry into batches of whole statements', () => {
    const row = (i: number) => `INSERT INTO public.t VALUES (${i}, 'a;\n${'x'.repeat(100_000)}');`;
    const data = ['--', '-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: app', '--', ...Array.from({ length: 200 }, (_, i) => row(i))].join('\n');
    const batches = splitDump(data, known);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.every((b) => b.kind === 'sql' && b.text.startsWith('INSERT INTO') && b.text.endsWith("');"))).toBe(true);
    expect(batches.map((b) => (b.kind === 'sql' ? b.text : '')).join('\n').split('INSERT INTO').length - 1).toBe(200);
  });

  it('refuses a COPY without its end marker (a truncated dump)', () => {
    expect(() => splitDump('COPY public.t (id) FROM stdin;\n1\n2\n', known)).toThrow(/truncated/);
  });
});

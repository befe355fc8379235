import { UsageError } from '../errors.js';
import { byCodePoint } from './introspect.js';
import type { SchemaSnapshot, TableInfo, ViewInfo } from './model.js';
import { assertPatternsMatch } from './named-schemas.js';

export type ErdFormat = 'mermaid' | 'dot' | 'svg';

export interface ErdOptions {
  /** Only relations whose `name` or `schema.name` matches one of these (`*` matches any run of characters). */
  tables?: string[];
}

/** What an ERD shows: tables and views with their columns and keys, and foreign keys as edges. */
interface Entity {
  id: string;
  label: string;
  view: boolean;
  columns: { name: string; type: string; keys: ('PK' | 'FK' | 'UK')[] }[];
}

interface Edge {
  /** The referencing table and columns. */
  from: string;
  fromColumns: string[];
  to: string;
  toColumns: string[];
  /** Every referencing column is NOT NULL: each row has exactly one parent. */
  required: boolean;
  /** The referencing columns are unique: one-to-one. */
  unique: boolean;
}

function matcher(patterns: string[] | undefined): (schema: string, name: string) => boolean {
  if (!patterns?.length) return () => true;
  const res = patterns.map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  return (schema, name) => res.some((re) => re.test(name) || re.test(`${schema}.${name}`));
}

/** Types as people write them, without the schema: `timestamptz`, `varchar(255)`, `vector(384)`. */
export function shortType(type: string): string {
  return type
    .replace(/\b[a-z_][a-z0-9_]*\./g, '')
    .replace(/^timestamp(\(\d+\))? with time zone/, 'timestamptz$1')
    .replace(/^timestamp(\(\d+\))? without time zone/, 'timestamp$1')
    .replace(/^time(\(\d+\))? with time zone/, 'timetz$1')
    .replace(/^time(\(\d+\))? without time zone/, 'time$1')
    .replace(/^character varying/, 'varchar')
    .replace(/^character/, 'char')
    .replace(/^double precision/, 'float8')
    .replace(/^bit varying/, 'varbit')
    .replace(/"/g, '');
}

function model(snapshot: SchemaSnapshot, options: ErdOptions): { entities: Entity[]; edges: Edge[]; reads: [string, string][] } {
  const included = matcher(options.tables);
  assertPatternsMatch(options.tables, (p) => [...snapshot.tables, ...snapshot.views].some((r) => matcher([p])(r.schema, r.name)), '--tables');
  const tables = snapshot.tables.filter((t) => !t.partitionOf && included(t.schema, t.name));
  const views = snapshot.views.filter((v) => included(v.schema, v.name));
  // A pattern that matches nothing is a typo, not a request for an empty diagram.
  for (const pattern of options.tables ?? []) {
    const one = matcher([pattern]);
    if (![...snapshot.tables, ...snapshot.views].some((r) => one(r.schema, r.name))) {
      throw new UsageError(`--tables ${pattern}: no table or view matches it`, { hint: 'a name or schema.name, * for any run of characters' });
    }
  }
  const schemas = new Set([...tables, ...views].map((r) => r.schema));
  const id = (schema: string, name: string) => (schemas.size > 1 ? `${schema}.${name}` : name);
  const ids = new Set(tables.map((t) => `${t.schema}.${t.name}`));

  const entities: Entity[] = [
    ...tables.map((t) => tableEntity(t, id(t.schema, t.name))),
    ...views.map((v) => viewEntity(v, id(v.schema, v.name))),
  ].sort((a, b) => byCodePoint(a.id, b.id));
  const edges: Edge[] = [];
  for (const t of tables) {
    for (const c of t.constraints) {
      if (c.kind !== 'foreign key' || !c.references || !ids.has(`${c.references.schema}.${c.references.table}`)) continue;
      const columns = t.columns.filter((col) => c.columns.includes(col.name));
      edges.push({
        from: id(t.schema, t.name),
        fromColumns: c.columns,
        to: id(c.references.schema, c.references.table),
        toColumns: c.references.columns,
        required: columns.every((col) => col.notNull),
        unique: t.constraints.some((u) => (u.kind === 'primary key' || u.kind === 'unique') && sameSet(u.columns, c.columns)),
      });
    }
  }
  edges.sort((a, b) => byCodePoint(`${a.from} ${a.fromColumns} ${a.to}`, `${b.from} ${b.fromColumns} ${b.to}`));
  const shown = new Map([...tables, ...views].map((r) => [`${r.schema}.${r.name}`, id(r.schema, r.name)]));
  const reads = views.flatMap((v) => v.dependsOn.filter((d) => shown.has(d)).map((d): [string, string] => [shown.get(d)!, id(v.schema, v.name)]));
  return { entities, edges, reads };
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

function tableEntity(t: TableInfo, id: string): Entity {
  const inKind = (kind: string, column: string) => t.constraints.some((c) => c.kind === kind && c.columns.includes(column));
  return {
    id,
    label: id,
    view: false,
    columns: t.columns.map((c) => ({
      name: c.name,
      type: shortType(c.type),
      keys: [
        ...(inKind('primary key', c.name) ? (['PK'] as const) : []),
        ...(inKind('foreign key', c.name) ? (['FK'] as const) : []),
        ...(t.constraints.some((u) => u.kind === 'unique' && u.columns.length === 1 && u.columns[0] === c.name) ? (['UK'] as const) : []),
      ],
    })),
  };
}

function viewEntity(v: ViewInfo, id: string): Entity {
  return {
    id,
    label: `${id} (${v.materialized ? 'materialized view' : 'view'})`,
    view: true,
    columns: v.columns.map((c) => ({ name: c.name, type: shortType(c.type), keys: [] })),
  };
}

/**
 * A Mermaid `erDiagram`, valid whatever the names (Mermaid's erDiagram grammar, erDiagram.jison):
 *  - an entity is a bare word, or quoted when it is not one; a quoted name may not hold `"`, `%`,
 *    `\` or a line break, and words such as `end`, `one` or `style` are keywords unquoted. A name
 *    that cannot be quoted gets a generated id, and shows as its alias (`e1["…"]`), with those
 *    characters replaced by their full-width look-alikes (`"` → `＂`);
 *  - a column's type and name are attribute words: letters (any script from U+00C0 up, so `año`
 *    and `名前` stay as they are), digits, `_ - [ ] ( ) *`; anything else becomes `_`, and a bare
 *    `PK`, `FK` or `UK` (keys, case-insensitive) gets a trailing `_`;
 *  - a type Mermaid cannot read (`numeric(10,2)`: older renderers reject the comma) keeps only its name.
 */
export function renderMermaid(snapshot: SchemaSnapshot, options: ErdOptions = {}): string {
  const { entities, edges } = model(snapshot, options);
  const taken = new Set(entities.map((e) => e.id.toLowerCase()));
  const refs = new Map<string, { ref: string; alias?: string }>();
  let generated = 0;
  for (const e of entities) {
    let ref: string;
    if (BARE.test(e.id) && !KEYWORD.test(e.id)) ref = e.id;
    else if (QUOTABLE.test(e.id)) ref = `"${e.id}"`;
    else {
      do ref = `entity_${++generated}`;
      while (taken.has(ref));
    }
    const generatedRef = !ref.startsWith('"') && ref !== e.id;
    refs.set(e.id, { ref, alias: e.label !== e.id || generatedRef ? `"${lookalike(e.label)}"` : undefined });
  }
  const lines = ['erDiagram'];
  for (const e of entities) {
    const { ref, alias } = refs.get(e.id)!;
    lines.push(`    ${ref}${alias ? `[${alias}]` : ''} {`);
    for (const c of e.columns) lines.push(`        ${typeWord(c.type)} ${attributeWord(c.name)}${c.keys.length ? ` ${c.keys.join(', ')}` : ''}`);
    lines.push('    }');
  }
  for (const r of edges) {
    const parent = r.required ? '||' : '|o';
    const child = r.unique ? 'o|' : 'o{';
    lines.push(`    ${refs.get(r.to)!.ref} ${parent}--${child} ${refs.get(r.from)!.ref} : "${r.fromColumns.join(', ').replace(/"/g, '＂')}"`);
  }
  return `${lines.join('\n')}\n`;
}

const BARE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** erDiagram's keywords (its lexer is case-insensitive): unquoted, they are not entity names. */
const KEYWORD = /^(?:erdiagram|style|classdef|class|subgraph|end|one|only|many|zero|to|optionally|u|title|acctitle|accdescr|direction)$/i;
/** What Mermaid's quoted entity name admits: `"[^"%\r\n\v\b\\]+"`. */
const QUOTABLE = /^[^"%\r\n\v\b\\]+$/;
const lookalike = (s: string) => s.replace(/"/g, '＂').replace(/%/g, '％').replace(/\\/g, '＼').replace(/[\r\n\v\b]+/g, ' ');

/** Mermaid's attribute word, less `.` and `,` (which older renderers reject). No `u` flag: like Mermaid's lexer, astral characters pass as their surrogates. */
const ATTRIBUTE_WORD = /^[*A-Za-z_\u00C0-\uFFFF][A-Za-z0-9\-_[\]()*\u00C0-\uFFFF]*$/;

function attributeWord(s: string): string {
  let w = s.replace(/[^A-Za-z0-9\-_[\]()*\u00C0-\uFFFF]/g, '_');
  if (!ATTRIBUTE_WORD.test(w)) w = `_${w}`;
  return /^(?:pk|fk|uk)$/i.test(w) ? `${w}_` : w;
}

function typeWord(type: string): string {
  return ATTRIBUTE_WORD.test(type) && !/^(?:pk|fk|uk)$/i.test(type) ? type : attributeWord(type.replace(/\(.*\)/, ''));
}

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const quoted = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * Graphviz DOT: one HTML-table node per table (a dashed grey one per view), one edge per foreign
 * key from the referencing column's row to the referenced column's row, crow's foot at the many
 * end, a circle where the reference is optional. No edge labels: the rows they join say it.
 */
export function renderDot(snapshot: SchemaSnapshot, options: ErdOptions = {}): string {
  const { entities, edges, reads } = model(snapshot, options);
  const port = (entity: string, column: string) => {
    const index = entities.find((e) => e.id === entity)!.columns.findIndex((c) => c.name === column);
    return `${quoted(entity)}:c${index}`;
  };
  const lines = [
    'digraph schema {',
    '    graph [rankdir=LR, fontname="Helvetica", nodesep=0.5, ranksep=1.4, splines=spline, bgcolor="white"];',
    '    node [shape=plain, fontname="Helvetica", fontsize=11];',
    '    edge [color="#55606e", penwidth=1.2, dir=both, arrowsize=0.8];',
  ];
  for (const e of entities) {
    const header = e.view ? '#6b7280' : '#336791';
    const rows = e.columns.map((c, i) => {
      const keys = c.keys.join(' ');
      const nameCell = c.keys.includes('PK') ? `<b>${html(c.name)}</b>` : html(c.name);
      return `<tr><td port="c${i}w" align="left">${nameCell}</td><td align="left"><font color="#4b5563">${html(c.type)}</font></td><td port="c${i}e" align="left">${keys ? `<font color="#9a3412">${keys}</font>` : ' '}</td></tr>`;
    });
    const style = e.view ? ' style="dashed"' : '';
    lines.push(
      `    ${quoted(e.id)} [label=<<table border="1"${style} cellborder="0" cellspacing="0" cellpadding="4" color="${header}">` +
        `<tr><td colspan="3" bgcolor="${header}" align="center"><font color="white"><b>${html(e.label)}</b></font></td></tr>` +
        `${rows.join('')}</table>>];`,
    );
  }
  for (const r of edges) {
    const head = r.required ? 'teetee' : 'teeodot';
    const tail = r.unique ? 'teeodot' : 'crowodot';
    // From the right edge of the referencing row to the left edge of the referenced one: with
    // rankdir=LR the parent sits to the right, so the line never crosses the tables it joins.
    lines.push(`    ${port(r.from, r.fromColumns[0])}e:e -> ${port(r.to, r.toColumns[0])}w:w [arrowhead=${head}, arrowtail=${tail}];`);
  }
  // A view is drawn after the relations it reads, joined to them by a light dashed line.
  for (const [from, to] of reads) lines.push(`    ${quoted(from)} -> ${quoted(to)} [style=dashed, color="#b0b7c3", arrowhead=none, arrowtail=none];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Wraps a Mermaid diagram in a Markdown page (GitHub and most viewers render the block). */
export function mermaidMarkdown(diagram: string, title = 'Database schema'): string {
  return `# ${title}\n\nGenerated by \`dbctl schema erd\`: do not edit. Tables with their columns, types and keys (PK, FK, UK);\nforeign keys as relationships (\`||\` required, \`|o\` optional; \`o{\` many); views are marked.\n\n\`\`\`mermaid\n${diagram}\`\`\`\n`;
}

import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/driver/database.js';
import { introspectSchema, renderMermaid } from '../../src/schema/index.js';
import { backends, freshDatabase } from '../helpers/backends.js';

/**
 * The lines renderMermaid writes, checked against the tokens of Mermaid's erDiagram lexer
 * (mermaid-js/mermaid, packages/mermaid/src/diagrams/er/parser/erDiagram.jison): an entity is a
 * word or `"[^"%\r\n\v\b\\]+"` and not a keyword; an attribute's type and name are attribute
 * words (without `.` and `,`, which older renderers reject) and not a key; a label is `"[^"]*"`.
 */
const ENTITY = String.raw`(?:(?!(?:erdiagram|style|classdef|class|subgraph|end|one|only|many|zero|to|optionally|u|title|acctitle|accdescr|direction)\b)[A-Za-z_][A-Za-z0-9_]*|"[^"%\r\n\v\b\\]+")`;
const WORD = String.raw`(?!(?:pk|fk|uk)\b)[*A-Za-z_\u00C0-\uFFFF][A-Za-z0-9\-_[\]()*\u00C0-\uFFFF]*`;
const GRAMMAR = [
  /^erDiagram$/,
  new RegExp(String.raw`^    ${ENTITY}(?:\["[^"%\r\n\v\b\\]+"\])? \{$`, 'i'),
  new RegExp(String.raw`^        ${WORD} ${WORD}(?: (?:PK|FK|UK)(?:, (?:PK|FK|UK))*)?$`, 'i'),
  /^    \}$/,
  new RegExp(String.raw`^    ${ENTITY} (?:\|\||\|o)--(?:o\||o\{) ${ENTITY} : "[^"]*"$`, 'i'),
];

const SCHEMA = `
create table "end" (id int primary key, "año" int, "名前" text, "first name" text, "1st" int, pk int, "a""b" int, "µ" int, "🙂" int);
create table "my""table" (id int primary key, "end_id" int not null references "end" (id), "ref""col" int references "end" (id));
create table "100%" (id int primary key);
create table "back\\slash" (id int);
create table "café" (id int);
create table plain (id int primary key, note text, amount numeric(10,2));
create view "my""view" as select id from plain;
`;

describe.each(backends)('the Mermaid ERD on awkward names ($name)', (backend) => {
  it('is valid erDiagram whatever the names, and shows them as written', async () => {
    const database = await openDatabase({ url: (await freshDatabase(backend)).url });
    let diagram: string;
    try {
      await database.query(SCHEMA);
      diagram = renderMermaid(await introspectSchema(database));
    } finally {
      await database.close();
    }
    const invalid = diagram.trimEnd().split('\n').filter((line) => !GRAMMAR.some((re) => re.test(line)));
    expect(invalid).toEqual([]);

    // Non-ASCII names as written; a keyword, a `"`, a `%` or a `\\` quoted or aliased, never lost.
    expect(diagram).toContain('        integer año\n');
    expect(diagram).toContain('        text 名前\n');
    expect(diagram).toContain('        integer 🙂\n');
    expect(diagram).toContain('    "end" {\n');
    expect(diagram).toContain('    "café" {\n');
    expect(diagram).toMatch(/^ {4}entity_\d+\["my＂table"\] \{$/m);
    expect(diagram).toMatch(/^ {4}entity_\d+\["100％"\] \{$/m);
    expect(diagram).toMatch(/^ {4}entity_\d+\["back＼slash"\] \{$/m);
    expect(diagram).toMatch(/^ {4}entity_\d+\["my＂view \(view\)"\] \{$/m);
    expect(diagram).toContain('        text first_name\n');
    expect(diagram).toContain('        integer _1st\n');
    expect(diagram).toContain('        integer pk_\n');
    expect(diagram).toContain('        integer a_b\n');
    // Below U+00C0 Mermaid takes no letter: µ (U+00B5) is one of the few that becomes "_".
    expect(diagram).toContain('        integer _\n');
    expect(diagram).toContain('        numeric amount\n');
    // The relationships name the aliased table by its id, and a `"` in a column name is a look-alike.
    const id = /^ {4}(entity_\d+)\["my＂table"\]/m.exec(diagram)![1];
    expect(diagram).toContain(`    "end" ||--o{ ${id} : "end_id"\n`);
    expect(diagram).toContain(`    "end" |o--o{ ${id} : "ref＂col"\n`);
  });
});

import { describe, expect, it } from 'vitest';
import { summarizeTypesDiff } from '../../src/typegen/diff-summary.js';

const file = (...declarations: string[]) => `/** header */\n\nimport type { ColumnType } from "kysely";\n\n${declarations.join('\n\n')}\n`;

describe('summarizeTypesDiff', () => {
  it('names each declaration that differs and, for interfaces, each member', () => {
    const before = file(
      'export type Mood = "a" | "b";',
      'export interface Old {\n  id: number;\n}',
      'export interface Users {\n  /**\n   * the name\n   */\n  name: string;\n  age: number;\n  "odd key": string;\n}',
    );
    const after = file(
      'export type Mood = "a" | "b" | "c";',
      'export interface Tags {\n  id: number;\n}',
      'export interface Users {\n  /**\n   * the full name\n   */\n  name: string;\n  age: number | null;\n  email: string;\n}',
    );
    expect(summarizeTypesDiff(before, after)).toEqual([
      'removed interface Old',
      'changed type Mood',
      'added interface Tags',
      'changed interface Users: +email, -"odd key", ~name, ~age',
    ]);
  });

  it('is empty for identical files and reports a changed import', () => {
    expect(summarizeTypesDiff(file('export type A = 1;'), file('export type A = 1;'))).toEqual([]);
    expect(summarizeTypesDiff(file('export type A = 1;'), file('export type A = 1;').replace('{ ColumnType }', '{ ColumnType, Foo }'))).toEqual(['changed the imports']);
  });
});

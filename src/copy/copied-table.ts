/** What the copy did with one table: the report's row for it. */
export interface CopiedTable {
  table: string;
  /** `copied` (every row or the subset's), `kept` (the target's own rows), `empty`. */
  mode: 'all' | 'subset' | 'kept' | 'empty';
  rows: number;
  bytes: number;
  masked: string[];
  milliseconds: number;
}

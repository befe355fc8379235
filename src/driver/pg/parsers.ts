import { loadPg } from './module.js';

let cached: Record<number, (value: string) => unknown> | undefined;

/**
 * node-postgres's own text parsers for every type it knows (scalars and arrays), handed to PGlite,
 * so a row reads the same on both backends: int8 and numeric as strings, bytea as Buffer, interval
 * as an object, dates as pg parses them. Types pg leaves as text stay text on both.
 */
export function nodePostgresParsers(): Record<number, (value: string) => unknown> {
  if (cached) return cached;
  const pg = loadPg();
  const noParse = pg.types.getTypeParser(0 as never, 'text');
  const text = (value: string) => value;
  const parsers: Record<number, (value: string) => unknown> = {};
  // Builtin OIDs (scalars and their array types) are all below 5000. A type pg does not parse
  // (numeric, time, uuid…) must come back as text, not as PGlite's own conversion.
  for (let oid = 1; oid < 5000; oid++) {
    const parse = pg.types.getTypeParser(oid as never, 'text');
    parsers[oid] = parse === noParse ? text : (parse as (value: string) => unknown);
  }
  return (cached = parsers);
}

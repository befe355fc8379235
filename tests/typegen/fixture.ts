import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A schema with every kind of column typegen handles (fixture.sql). */
export const FIXTURE_SQL = fs.readFileSync(path.join(here, 'fixture.sql'), 'utf8');

/** The generated types of FIXTURE_SQL: relative to this folder's tests (toMatchFileSnapshot) … */
export const SNAPSHOT = './__snapshots__/fixture-types.ts';
/** … and absolute. */
export const SNAPSHOT_FILE = path.join(here, SNAPSHOT);

/**
 * What a plan is made of: statements in phases, each with the hazards it carries. The phase order
 * is the dependency order between kinds (see order.ts for the order within a kind).
 */

/** Typed hazards, as pg-schema-diff names them, plus dbctl's own. */
export const HAZARDS = [
  'ACQUIRES_ACCESS_EXCLUSIVE_LOCK',
  'ACQUIRES_SHARE_LOCK',
  'TABLE_REWRITE',
  'INDEX_BUILD',
  'INDEX_DROPPED',
  'DELETES_DATA',
  'CORRECTNESS',
  'AUTHZ_UPDATE',
  'EXTENSION_VERSION',
  /** A step that fails when the data does not fit (duplicates, NULLs, orphans): a data check precedes it. */
  'DATA_DEPENDENT',
] as const;
export type Hazard = (typeof HAZARDS)[number];

export interface Step {
  sql: string;
  hazards: Hazard[];
  /** False for what Postgres refuses in a transaction block (CREATE/DROP INDEX CONCURRENTLY). */
  transaction: boolean;
  /** The object the step is about, for messages (`table public.users`). */
  object: string;
  /** The size of the table the step works on, when the plan was sized from a live database (`--url`, `-e ENV`). */
  size?: StepSize;
}

/** As `migrate lint` sizes a table (lint/large-tables.ts): rows (estimated, or counted up to a limit: `atLeast`), bytes on disk. */
export interface StepSize {
  relation: string;
  rows: number;
  bytes: number;
  atLeast: boolean;
}

/** Phases in execution order: drops of dependents first, creates of dependencies first, type/schema drops last. */
export const PHASES = [
  'rename',
  'drop-trigger',
  'drop-policy',
  'drop-view',
  'drop-fk',
  'drop-constraint',
  'drop-index',
  'drop-table',
  'drop-replaced',
  'create-role',
  'create-schema',
  'create-extension',
  'create-type',
  'create-sequence',
  'create-function',
  'create-table',
  'alter-table',
  'drop-column',
  'add-column',
  'alter-column',
  'create-constraint',
  'create-index',
  'create-fk',
  'create-late-function',
  'create-view',
  'create-view-index',
  'sequence-owned',
  'create-trigger',
  'rls',
  'create-policy',
  'drop-function',
  'drop-sequence',
  'drop-type',
  'drop-extension',
  'drop-schema',
  'grant',
  'comment',
] as const;
export type Phase = (typeof PHASES)[number];

export const step = (object: string, sql: string, hazards: Hazard[] = [], transaction = true): Step => ({ object, sql, hazards, transaction });

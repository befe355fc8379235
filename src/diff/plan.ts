import type { SchemaSnapshot } from '../schema/model.js';
import { PlanContext, type Unplannable } from './context.js';
import { ambiguities, type Ambiguity } from './hazards.js';
import { implicitRenames } from './implicit-renames.js';
import { planColumns } from './kinds/columns.js';
import { planComments } from './kinds/comments.js';
import { planConstraints } from './kinds/constraints.js';
import { planEnums } from './kinds/enums.js';
import { planExtensions } from './kinds/extensions.js';
import { planFunctions } from './kinds/functions.js';
import { planGrants } from './kinds/grants.js';
import { planIndexes } from './kinds/indexes.js';
import { planPolicies } from './kinds/policies.js';
import { planSchemas } from './kinds/schemas.js';
import { planSequences } from './kinds/sequences.js';
import { planRowSecurity, planTables } from './kinds/tables.js';
import { planTriggers } from './kinds/triggers.js';
import { planCompositeTypes, planDomains } from './kinds/types.js';
import { planViews } from './kinds/views.js';
import { applyRenames, type Hints, type Rename } from './renames.js';
import type { Step } from './step.js';

export interface PlanOptions {
  renames?: Rename[];
  /** Drops that are meant (they settle an ambiguous drop + add). */
  drops?: Hints['drops'];
}

export interface Plan {
  /** In execution order. */
  steps: Step[];
  unplannable: Unplannable[];
  ambiguous: Ambiguity[];
}

/**
 * The statements that turn a database with schema `from` into one with schema `to`: declared
 * renames first, lossless renames next, then each kind's steps in the phase order of step.ts.
 * Pure: it reads two snapshots and touches no database. Whether the plan is acceptable (nothing
 * unplannable, nothing ambiguous, no data loss unless allowed) is the caller's to assert.
 */
export function planMigration(from: SchemaSnapshot, to: SchemaSnapshot, options: PlanOptions = {}): Plan {
  const renamed = applyRenames(from, options.renames ?? []);
  const implicit = implicitRenames(renamed.snapshot, to);
  const ctx = new PlanContext(renamed.snapshot, to);
  ctx.add('rename', ...renamed.steps, ...implicit);
  // Order matters only for what one kind tells the next (new and dropped tables, touched relations, recreated views).
  planTables(ctx);
  planColumns(ctx);
  planSchemas(ctx);
  planExtensions(ctx);
  planEnums(ctx);
  planDomains(ctx);
  planCompositeTypes(ctx);
  planSequences(ctx);
  planViews(ctx);
  planFunctions(ctx);
  planConstraints(ctx);
  planIndexes(ctx);
  planTriggers(ctx);
  planRowSecurity(ctx);
  planPolicies(ctx);
  planGrants(ctx);
  planComments(ctx);
  return { steps: ctx.ordered(), unplannable: ctx.unplannable, ambiguous: ambiguities(renamed.snapshot, to, options.drops ?? []) };
}

/**
 * Schema as code: `planMigration` turns one schema snapshot into another as ordered, hazard-typed
 * statements (one file per object kind under kinds/), with renames, online-safe rewrites and data
 * checks; `renderMigration` writes them in dbmate's format. The flow that loads the desired schema,
 * builds the current one and verifies the plan is src/flows/migrate-diff.ts.
 */
export { planMigration, type Plan, type PlanOptions } from './plan.js';
export { renderMigration } from './render.js';
export { assertAllowed, assertPlannable, assertUnambiguous, ambiguities, type Ambiguity } from './hazards.js';
export { renamesInSql, readHints, invert, type Rename, type Hints } from './renames.js';
export { HAZARDS, type Hazard, type Step, type StepSize } from './step.js';
export { sizeSteps } from './sizes.js';
export { settleAmbiguities, type SettleAnswer } from './settle.js';
export type { Unplannable } from './context.js';

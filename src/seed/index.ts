/** Seeds, fixtures and the bulk loader: the `dbctl seed` core. Nothing here prints or exits. */
export { runSeeds, type SeedRunOptions, type SeedRunReport, type SeedReport, type SeedEvent, type TableCounts } from './seeder.js';
export { seedConfig, summaryConfig } from '../config/props.js';
export type { SeedContext, SeedBulkOptions, FixtureUpsert, BulkProgress } from './context.js';
export { bulkInsert, bulkUpsert, type BulkOptions, type UpsertOptions, type BulkResult, type BulkTarget, type Rows } from './bulk.js';
export { loadFixture, type FixtureRow } from './fixtures.js';
export { seedId, uuidv5 } from './ids.js';
export { seededFaker, FAKER_REFERENCE_DATE } from './faker.js';
export { listSeedFiles, type SeedFile } from './files.js';
export { createSeedFile } from './new.js';
export { summarizeTables, type SummaryScope, type TableSummary } from './summary.js';

import { CompiledQuery, type Kysely } from 'kysely';
import type { SqlClient } from './database.js';

/** Raw SQL through a Kysely instance or transaction, for code shared with the Kysely-free paths. */
export function sqlClientOf(db: Kysely<any>): SqlClient {
  return { query: (text, parameters = []) => db.executeQuery(CompiledQuery.raw(text, [...parameters])) };
}

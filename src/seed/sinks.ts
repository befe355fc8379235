import type { Kysely } from 'kysely';
import { copyIn, type CopyIn } from '../driver/copy.js';

/** Where COPY text goes: written a batch at a time, then closed (which waits for the server). */
export type CopySink = CopyIn;

/** The connection a bulk load runs on: a Kysely bound to one session. */
export interface BulkTarget {
  db: Kysely<any>;
  /** The database's `capabilities.distributed`: on Citus, upserts compare rows with immutable operators. */
  distributed?: 'citus';
}

/**
 * Opens COPY … FROM on the session `target.db` is bound to (so it joins the caller's transaction):
 * the driver's copyIn, a stream on a server and `/dev/blob` on PGlite.
 */
export async function openCopySink(target: BulkTarget, copyInto: string): Promise<CopySink> {
  return copyIn(target.db, `copy ${copyInto} from stdin`);
}

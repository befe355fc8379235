/**
 * Set on a COPY request (driver/copy.ts) by the session that receives it when that session is
 * PGlite's (see PgliteClient.query): its COPY then reads a Blob through `/dev/blob` instead of a
 * socket, one statement per write. Kept apart from copy.ts so opening a database loads no Kysely.
 */
export const BLOB_COPY = Symbol.for('dbctl.blobCopy');

export interface BlobCopyRequest {
  [BLOB_COPY]?: { statement: string; write?: (statement: string, data: string | Uint8Array) => Promise<number | undefined> };
}

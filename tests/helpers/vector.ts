import pg from 'pg';

/**
 * Whether a native server can create the pgvector extension. Tests that need it call
 * `skipUnlessVector` so a server without it skips with a visible reason, never silently.
 */
export async function serverHasVector(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`select 1 from pg_available_extensions where name = 'vector'`);
    return rows.length > 0;
  } finally {
    await client.end();
  }
}

export const NO_VECTOR_REASON = 'the native server has no pgvector extension (use the docker-compose image to run these)';

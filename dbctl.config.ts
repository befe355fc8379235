import { defineConfig } from 'dbctl/config';

// The repository's own example database (docs/example.md). With no DATABASE_URL it is
// the embedded PGlite at .dbctl/pglite; `docker compose up -d --wait` gives a server with pgvector.
export default defineConfig({
  migrations: { dir: 'migrations' },
  typegen: { out: 'example/db/types.ts' },
  lint: {
    rules: {
      // Every key here is a uuid; the integer columns are counts and positions bounded far below
      // 2^31 (document_chunks.chunk_index and token_count, interactions.latency_ms), and the
      // check constraints keep them non-negative. Set in the config rather than with inline
      // comments, which would change the checksums of migrations already applied.
      'prefer-bigint-over-int': 'off',
    },
  },
});

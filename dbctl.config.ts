import { defineConfig } from 'dbctl/config';

// The repository's own example database (README "Example database"). With no DATABASE_URL it is
// the embedded PGlite at .dbctl/pglite; `docker compose up -d --wait` gives a server with pgvector.
export default defineConfig({
  migrations: { dir: 'migrations' },
  typegen: { out: 'example/db/types.ts' },
});

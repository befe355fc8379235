import fs from 'node:fs';
import { pgliteBaseImage } from '../../src/driver/pglite-image.js';

/** Build the PGlite base image once, before workers race for it; remove the run's scratch after. */
export default async function setup(): Promise<() => void> {
  await pgliteBaseImage();
  if (!process.env.TEST_DATABASE_URL) {
    console.log('[dbctl tests] TEST_DATABASE_URL is not set: integration tests run on embedded PGlite only');
  }
  return () => {
    const scratch = process.env.DBCTL_TEST_SCRATCH;
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  };
}

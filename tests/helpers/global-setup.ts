import { pgliteBaseImage } from '../../src/driver/pglite/image.js';

/** Build the PGlite base image once, before workers race for it. */
export default async function setup(): Promise<void> {
  await pgliteBaseImage();
  if (!process.env.TEST_DATABASE_URL) {
    console.log('[dbctl tests] TEST_DATABASE_URL is not set: integration tests run on embedded PGlite only');
  }
}

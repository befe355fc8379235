import { createHash } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
// The English-only entry point loads in a fifth of the time of the package root (which pulls in
// every locale); it exports only an instance, whose class and merged definitions we reuse.
import { faker as english } from '@faker-js/faker/locale/en';

/** Faker's dates are relative to "now" unless told otherwise: a fixed reference keeps them reproducible. */
export const FAKER_REFERENCE_DATE = new Date('2025-01-01T00:00:00.000Z');

/**
 * The per-file seed: derived from the global seed and the seed file's name only, so adding,
 * removing or reordering other files never changes this file's data.
 */
export function fileSeed(globalSeed: number, name: string): number[] {
  const digest = createHash('sha256').update(`${globalSeed}\0${name}`).digest();
  return [0, 4, 8, 12].map((offset) => digest.readUInt32BE(offset));
}

/** A Faker of its own for one seed file (English locale), seeded and with a fixed reference date. */
export function seededFaker(globalSeed: number, name: string): Faker {
  const FakerClass = english.constructor as typeof Faker;
  const faker = new FakerClass({ locale: english.rawDefinitions });
  faker.seed(fileSeed(globalSeed, name));
  faker.setDefaultRefDate(FAKER_REFERENCE_DATE);
  return faker;
}

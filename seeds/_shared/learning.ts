/**
 * The example's data shape, shared by the development and staging seeds (staging is the same
 * shape times --scale). Rows are named by stable keys (`ctx.id('users', 'student-3')`), so each
 * seed file can refer to rows another one wrote without reading them back, and a second run
 * upserts the same rows instead of adding new ones.
 */
import type { SeedContext } from 'dbctl';

/** Per scale unit: 8 students, 2 educators, 2 courses, 50 documents, 100 interactions. */
export const SHAPE = { students: 8, educators: 2, courses: 2, documents: 50, interactions: 100 };
export const EMBEDDING_DIMENSIONS = 384;
export const EMBEDDING_MODEL = 'all-MiniLM-L6-v2';
export const CONTENT_TYPES = ['application/pdf', 'text/markdown', 'text/html', 'text/plain'];
export const SERVICE_TYPES = ['search', 'chat', 'summarize', 'quiz'];
/** Timestamps are drawn from one fixed year, so every run writes the same ones. */
export const SINCE = new Date('2026-01-01T00:00:00Z');
export const UNTIL = new Date('2026-10-01T00:00:00Z');

export const counts = (ctx: SeedContext) => ({
  students: SHAPE.students * ctx.scale,
  educators: SHAPE.educators * ctx.scale,
  courses: SHAPE.courses * ctx.scale,
  documents: SHAPE.documents * ctx.scale,
  interactions: SHAPE.interactions * ctx.scale,
});

export type Course = { code: string; semester: string };

const courseLists = new WeakMap<SeedContext, Course[]>();

/**
 * Every course, in order: the catalogue of fixtures/courses.json first (seeded in every
 * environment by seeds/common/01_courses.ts), then numbered ones up to 2 × scale (staging).
 */
export function courses(ctx: SeedContext): Course[] {
  let list = courseLists.get(ctx);
  if (!list) {
    list = ctx.fixture<Course>('courses').map(({ code, semester }) => ({ code, semester }));
    for (let k = list.length; k < counts(ctx).courses; k++) list.push({ code: `C-${String(k).padStart(6, '0')}`, semester: 'Fall 2026' });
    courseLists.set(ctx, list);
  }
  return list;
}

export const courseId = (ctx: SeedContext, course: Course) => ctx.id('courses', `${course.code} ${course.semester}`);
export const studentId = (ctx: SeedContext, i: number) => ctx.id('users', `student-${i}`);
export const educatorId = (ctx: SeedContext, i: number) => ctx.id('users', `educator-${i}`);
export const documentId = (ctx: SeedContext, j: number) => ctx.id('documents', j);

/** The course of document j, and the courses a student is enrolled in: fixed rules, not lookups. */
export const courseOfDocument = (ctx: SeedContext, j: number) => j % counts(ctx).courses;
export const coursesOfStudent = (ctx: SeedContext, i: number) => {
  const n = counts(ctx).courses;
  return i % 2 === 0 ? [i % n, (i + 1) % n].filter((c, at, all) => all.indexOf(c) === at) : [i % n];
};

export function when(ctx: SeedContext): Date {
  return ctx.faker.date.between({ from: SINCE, to: UNTIL });
}

/**
 * A deterministic unit vector per course (from a small PRNG seeded by the course number): the
 * centre of that course's cluster of chunk embeddings.
 */
export function courseCentre(k: number): number[] {
  let state = (k + 1) * 0x9e3779b9;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return normalise(Array.from({ length: EMBEDDING_DIMENSIONS }, () => next() * 2 - 1));
}

/** A chunk's embedding: its course's centre plus some noise, normalised (cosine distance ready). */
export function embeddingNear(ctx: SeedContext, centre: number[]): number[] {
  // Noise of norm ~0.7 around a unit centre: same-course chunks have cosine similarity ~0.67,
  // chunks of different courses ~0, so nearest neighbours come from the query's course.
  return normalise(centre.map((x) => x + ctx.faker.number.float({ min: -0.06, max: 0.06 })));
}

function normalise(v: number[]): number[] {
  const norm = Math.hypot(...v);
  // Six decimals are plenty for float4 and keep the COPY text small.
  return v.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

/** Staging is the development shape times --scale (e.g. --scale 1000 → 100,000 interactions). */
export { seed } from '../development/02_courses.js';

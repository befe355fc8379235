/** Staging is the development shape times --scale (e.g. --scale 1000 → 100,000 interactions). */
export { seed } from '../development/01_users.js';

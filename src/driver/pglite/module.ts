/**
 * Loads PGlite, the one place that does. The CLI first asks for a quick WebAssembly start-up: PGlite
 * is a 10 MB module that a command uses for a second or two, and V8's background recompilation of
 * its hot functions (tier-up) cost ~40 % more CPU per embedded command on a 2-core machine while
 * making nothing measurably faster, even an 8 s embedded workload. The flag is set only when PGlite
 * is about to load: changing V8's flags costs a process ~20 ms (Node's code cache for its own
 * modules no longer matches), which a command on a server must not pay. A library user's process
 * keeps V8's defaults.
 */
let quickWasmStartup = false;

export function preferQuickWasmStartup(): void {
  quickWasmStartup = true;
}

export async function loadPglite(): Promise<typeof import('@electric-sql/pglite')> {
  if (quickWasmStartup) {
    quickWasmStartup = false;
    (await import('node:v8')).setFlagsFromString('--liftoff-only');
  }
  return import('@electric-sql/pglite');
}

/** One turn of a poll, as the check sees it. */
export interface PollTurn {
  /** 1 for the first call. */
  attempt: number;
  /** How long the poll waits before the next call if this one does not settle it. */
  delayMs: number;
  /** Starts the waits over from the first delay (a new holder, a new thing waited for). */
  restart(): void;
}

export interface PollOptions {
  /** The first wait between two calls. */
  delayMs: number;
  /** Each wait is the last one times this (default 2), up to `maxDelayMs`. */
  factor?: number;
  maxDelayMs?: number;
  /** A wait never runs past this time (epoch ms): the last call comes at the deadline, not after it. */
  deadline?: number;
}

/**
 * The one polling loop: calls `check` until it returns something other than undefined, waiting
 * between calls with a growing delay. Giving up is the check's own decision (it knows what to
 * throw, or what to return, when time is out): it sees the turn's number and the next wait.
 */
export async function pollUntil<T>(check: (turn: PollTurn) => Promise<T | undefined> | T | undefined, options: PollOptions): Promise<T> {
  const factor = options.factor ?? 2;
  let delayMs = options.delayMs;
  const turn: PollTurn = {
    attempt: 0,
    get delayMs() {
      return delayMs;
    },
    restart() {
      delayMs = options.delayMs;
    },
  };
  for (;;) {
    turn.attempt++;
    const settled = await check(turn);
    if (settled !== undefined) return settled;
    const wait = options.deadline === undefined ? delayMs : Math.max(0, Math.min(delayMs, options.deadline - Date.now()));
    await new Promise((resolve) => setTimeout(resolve, wait));
    delayMs = Math.min(delayMs * factor, options.maxDelayMs ?? Infinity);
  }
}

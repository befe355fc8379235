import type { ResolvedConfig } from '../config/resolve.js';
import type { Target } from '../driver/url.js';
import { RefusedError } from '../errors.js';

export interface GuardInput {
  config: ResolvedConfig;
  target: Target;
  operation: string;
  force?: boolean;
  confirm?: string;
  /** Asks for the database name at an interactive prompt (CLI only); undefined = no TTY. */
  prompt?: (question: string) => Promise<string>;
}

/**
 * Refuses destructive operations on a protected environment unless forced and confirmed.
 * (Placeholder: the full rules, host patterns and prompt live here once the seeds/reset issue lands.)
 */
export async function assertDestructiveAllowed(input: GuardInput): Promise<void> {
  if (!input.config.protected) return;
  if (input.force && input.confirm === input.target.database) return;
  throw new RefusedError(`${input.operation} refused: environment "${input.config.env}" is protected`, {
    hint: `pass --force --confirm ${input.target.database} if you really mean it`,
  }, 'protected');
}

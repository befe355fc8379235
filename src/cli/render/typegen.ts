import path from 'node:path';
import type { ResolvedConfig } from '../../config/resolve.js';
import { CheckFailedError } from '../../errors.js';
import type { TypesInspection, WriteResult } from '../../typegen/index.js';
import type { CommandContext } from '../context.js';

export function renderTypesWritten(ctx: CommandContext, config: ResolvedConfig, result: WriteResult): void {
  const file = path.relative(config.cwd, result.file);
  ctx.out.result({ ok: true, ...result, file });
  ctx.out.line(result.changed ? `wrote ${file} (${result.tables} tables and views)` : `${file} is up to date (${result.tables} tables and views)`);
}

/** `typegen --check`: fresh, or exit 4 with a summary of the declarations that differ. */
export function renderTypesCheck(ctx: CommandContext, config: ResolvedConfig, result: TypesInspection, fromMigrations: boolean): void {
  const file = path.relative(config.cwd, result.file);
  if (result.fresh) {
    ctx.out.result({ ok: true, fresh: true, file });
    ctx.out.line(`${file} is up to date`);
    return;
  }
  const hint = `run \`dbctl typegen${fromMigrations ? ' --from-migrations' : ''}\` (with the same options) and commit ${file}`;
  if (result.missing) throw new CheckFailedError(`${file} does not exist`, { hint, data: { fresh: false, missing: true, file } }, 'typegen_stale');
  const report = [
    ...result.summary.map((line) => `  ${line}`),
    ...(ctx.out.verbose && result.diff ? ['', result.diff] : []),
  ].join('\n');
  throw new CheckFailedError(`${file} is stale: ${result.summary.length || 'some'} declaration(s) differ from the schema`, {
    hint,
    data: { fresh: false, missing: false, file, diff: result.diff, summary: result.summary },
    failureReport: report,
  }, 'typegen_stale');
}

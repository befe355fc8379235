/**
 * A check function that holds every row written while a session named `hold` is connected
 * (cluster-wide, so a new database sees it too): a test keeps pg_restore or db copy in its COPY for
 * as long as it wants, then ends the holding session. The loop clears its view of pg_stat_activity
 * each turn (a transaction otherwise keeps its first one, and would loop for good on the server
 * once the test is done), and gives up after `giveUpSeconds` (60 s) whatever happens. A test whose
 * point is that dbctl does not wait for the hold passes a time longer than its own timeout: were
 * dbctl to wait, the test fails instead of passing late.
 */
export function heldFunctionSql(hold: string, giveUpSeconds = 60): string {
  return `create function public.held() returns boolean language plpgsql as $$
    begin
      while exists (select 1 from pg_stat_activity where application_name = '${hold}') and clock_timestamp() < statement_timestamp() + interval '${Math.trunc(giveUpSeconds)} s' loop
        perform pg_sleep(0.01);
        perform pg_stat_clear_snapshot();
      end loop;
      return true;
    end $$;`;
}

import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { resetFixture } from './fixture.js';

const seqs = (sequences: { schema: string; sequence: string }[]) => sequences.map((s) => `${s.schema}.${s.sequence}`);

describe.each(backends)('reset and sequences on $name', (backend) => {
  it('restarts a sequence no column owns when only emptied tables use it, and no other', async () => {
    const f = await resetFixture(backend, `
      create sequence n_seq;
      create table n (id int default nextval('n_seq') primary key);
      create sequence "Event ""Seq""";
      create table event (id int default nextval('"Event ""Seq"""'), at date not null default '2026-01-01') partition by range (at);
      create table event_2026 partition of event for values from ('2026-01-01') to ('2027-01-01');
      create sequence shared_seq;
      create table emptied_shared (id int default nextval('shared_seq') primary key);
      create table kept_shared (id int default nextval('shared_seq') primary key);
      create schema audit;
      create sequence outside_seq;
      create table also_outside (id int default nextval('outside_seq') primary key);
      create table audit.tally (id int default nextval('public.outside_seq'));
      insert into n default values; insert into n default values;
      insert into event default values; insert into event default values;
      insert into emptied_shared default values; insert into kept_shared default values;
      insert into also_outside default values; insert into audit.tally default values;
    `);
    const dry = await f.reset({ keep: ['kept_shared'], dryRun: true });
    expect(seqs(dry.sequences)).toEqual(['public.Event "Seq"', 'public.n_seq']);
    expect(await f.counts('n', 'event')).toEqual({ n: 2, event: 2 });

    const report = await f.reset({ keep: ['kept_shared'] });
    expect(seqs(report.sequences)).toEqual(['public.Event "Seq"', 'public.n_seq']);
    // shared_seq and outside_seq also number rows reset keeps: restarting them would repeat their ids.
    expect(await f.nextIds('n', 'event', 'emptied_shared', 'kept_shared', 'also_outside', 'audit.tally')).toEqual({
      n: 1,
      event: 1,
      emptied_shared: 3,
      kept_shared: 4,
      also_outside: 3,
      'audit.tally': 4,
    });
  });

  it('refuses to empty the owner of a sequence a kept table uses, which RESTART IDENTITY would restart', async () => {
    const f = await resetFixture(backend, `
      create table invoice (id serial primary key);
      create table credit_note (id int default nextval('invoice_id_seq') primary key);
      insert into invoice default values; insert into credit_note default values;
    `);
    const refusal = await f.refused({ keep: ['credit_note'] });
    expect(refusal).toMatchObject({ code: 'reset_keep_conflict', exitCode: 2 });
    expect(refusal.message).toBe(
      'cannot keep public.credit_note: its default uses sequence public.invoice_id_seq, which RESTART IDENTITY restarts with public.invoice: its next rows would repeat ids',
    );
    expect(refusal.hint).toBe('keep public.invoice as well (--keep public.invoice)');
    const report = await f.reset();
    expect(report.sequences).toEqual([]);
    expect(await f.nextIds('invoice', 'credit_note')).toEqual({ invoice: 1, credit_note: 2 });
  });
});

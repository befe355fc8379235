/**
 * Case 13's schema: `count` tables of 9 columns each (a bigint identity primary key, text, int,
 * numeric, boolean, timestamptz, jsonb, uuid and a foreign key to the table before), with 2 indexes
 * (the primary key's and one on created_at) and 1 foreign key each.
 */
const pad = (i) => String(i).padStart(4, '0');

export function diffSchemaSql(count) {
  const out = [];
  for (let i = 1; i <= count; i++) {
    const t = `t${pad(i)}`;
    out.push(`create table ${t} (
  id bigint generated always as identity primary key,
  name text not null,
  n integer not null default 0,
  amount numeric(12,2),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  data jsonb,
  token uuid,
  prev_id bigint${i > 1 ? ` references t${pad(i - 1)} (id)` : ''}
);
create index ${t}_created_at_idx on ${t} (created_at);
`);
  }
  return out.join('\n');
}

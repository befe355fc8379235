-- migrate:up
create table kinds (
  id bigint generated always as identity primary key,
  -- +prefer-bigint-over-int
  a integer,
  -- +prefer-bigint-over-smallint
  b smallint,
  -- +prefer-timestamp-tz
  c timestamp,
  -- +ban-char-field
  d char(2),
  -- +prefer-text-field
  e varchar(20)
);

-- -prefer-bigint-over-int -prefer-bigint-over-smallint -prefer-timestamp-tz -ban-char-field -prefer-text-field -prefer-identity
create table good_kinds (id bigint generated always as identity primary key, a bigint, c timestamptz, d text, e text);

-- +prefer-identity
create table serials (id bigserial primary key);

-- -prefer-text-field
-- squawk-ignore prefer-text-field
create table legacy_codes (code varchar(12) primary key);

-- migrate:down
drop table kinds, good_kinds, serials, legacy_codes;

-- case: create a partitioned table with partitions
-- a
-- b
create table m (id int, at date not null, primary key (id, at)) partition by range (at);
create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');
create table m_2026 partition of m for values from ('2026-01-01') to ('2027-01-01');

-- case: add a partition
-- a
create table m (id int, at date not null) partition by range (at);
create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');
-- b
create table m (id int, at date not null) partition by range (at);
create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');
create table m_2026 partition of m for values from ('2026-01-01') to ('2027-01-01');

-- case: drop a partition
-- a
create table m (id int, at date not null) partition by range (at);
create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');
create table m_2026 partition of m for values from ('2026-01-01') to ('2027-01-01');
-- b
create table m (id int, at date not null) partition by range (at);
create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');

-- case: drop a partitioned table with its partitions
-- a
create table m (id int, at date not null) partition by range (at);
create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');
-- b

-- case: list partitions
-- a
-- b
create table r (id int, region text not null) partition by list (region);
create table r_eu partition of r for values in ('eu');
create table r_us partition of r for values in ('us', 'ca');

-- case: hash partitions
-- a
-- b
create table h (id int not null) partition by hash (id);
create table h0 partition of h for values with (modulus 2, remainder 0);
create table h1 partition of h for values with (modulus 2, remainder 1);

-- case: default partition
-- a
create table r (id int, region text not null) partition by list (region);
-- b
create table r (id int, region text not null) partition by list (region);
create table r_other partition of r default;

-- case: index on a partitioned table is built plainly
-- a
create table m (id int, at date not null) partition by range (at);
create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');
-- b
create table m (id int, at date not null) partition by range (at);
create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');
create index m_id on m (id);
-- expect: CREATE INDEX m_id ON ONLY public.m

-- case: column added to a partitioned table
-- a
create table m (id int, at date not null) partition by range (at);
create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');
-- b
create table m (id int, at date not null, note text) partition by range (at);
create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01');

-- case: partition bound change (detach, attach)
-- a
create table m (id int, at date not null) partition by range (at);
create table m_a partition of m for values from ('2025-01-01') to ('2025-07-01');
-- b
create table m (id int, at date not null) partition by range (at);
create table m_a partition of m for values from ('2025-01-01') to ('2026-01-01');
-- expect: DETACH PARTITION

-- case: partition key change cannot be planned
-- a
create table m (id int, at date not null) partition by range (at);
-- b
create table m (id int, at date not null) partition by range (id);
-- error: diff_unplannable

-- case: plain table to partitioned cannot be planned
-- a
create table m (id int, at date not null);
-- b
create table m (id int, at date not null) partition by range (at);
-- error: diff_unplannable

-- case: sub-partitions
-- a
-- b
create table m (id int, at date not null, region text not null) partition by range (at);
create table m_2025 partition of m for values from ('2025-01-01') to ('2026-01-01') partition by list (region);
create table m_2025_eu partition of m_2025 for values in ('eu');

-- case: foreign key from a partitioned table
-- a
create table p (id int primary key);
create table m (id int, at date not null, p_id int) partition by range (at);
-- b
create table p (id int primary key);
create table m (id int, at date not null, p_id int references p (id)) partition by range (at);

-- case: check constraint on a partitioned table
-- a
create table m (id int, at date not null) partition by range (at);
-- b
create table m (id int, at date not null, check (id > 0)) partition by range (at);

-- case: trigger on a partitioned table
-- a
create table m (id int, at date not null) partition by range (at);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
-- b
create table m (id int, at date not null) partition by range (at);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger m_touch before insert on m for each row execute function touch();

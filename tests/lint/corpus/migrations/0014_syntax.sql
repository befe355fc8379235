-- migrate:up
-- -syntax-error
create table fine (id bigint primary key);

-- +syntax-error
create tabel broken (id bigint);

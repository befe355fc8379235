-- migrate:up
alter table customer add column notes text;

-- migrate:down
alter table customer drop column notes;

insert into org select g, 'org ' || g from generate_series(1, 50) g;
insert into people select g, 1 + (g * 7) % 50, 'person ' || g from generate_series(1, 2000) g;
insert into lonely select g, g % 7 from generate_series(1, 500) g;
insert into account select g, 'account ' || g from generate_series(1, 100) g;
insert into invoice select g, 1 + (g * 13) % 100, g * 10 from generate_series(1, 400) g;

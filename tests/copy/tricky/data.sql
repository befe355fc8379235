set timezone = 'Europe/Paris';
insert into tricky values
  (1, '2026-03-29 01:59:59.123456+01', '2026-12-07', '1 year 2 mons 3 days 04:05:06.789', 0.1, 0.1, 1.10, 1.5, '{1,NULL,3}', '{"a b","c,d","e\"f","g\\h",NULL,"","NULL"}', '{"b": 1,  "a": [1, 2]}', '{"b": 1,  "a": [1, 2]}', '\x00015c0a09ff', E'back\\slash\ttab\nnewline\rcr "quote" (paren), comma', 'unicode: ünïcödé 🐘 日本', 'ab', '10.0.0.1/24', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', true, '[1,3]'),
  (2, '-infinity', 'infinity', '-1 days +02:00', 'NaN', '-Infinity', 'NaN', -0.05, '{}', '{}', 'null', '[]', '\x', '', ' leading and trailing ', '', '::1', '00000000-0000-0000-0000-000000000000', false, 'empty'),
  (3, null, null, null, 1e308, 3.4e38, 123456789012345678901234567890.123456789, null, null, null, null, null, null, null, null, null, null, null, null, null),
  (4, '2000-01-01 00:00:00+00', '0001-01-01 BC', '0', 5e-324, 1.17549435e-38, 0, 0, '{{1,2},{3,4}}', '{"\\N","\t"}', '"\u00e9\\u0000x"', '{"k": "\u00e9", "e": "\"q\""}', E'\\\\x5c4e', E'\\N', '\.', E'a\\b', '192.168.1.0/24', null, null, '(,5)');
insert into person values (1, 'ann@real.test', '203.0.113.9', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), (2, 'bob@real.test', null, null);
insert into prefs values (1, 1, '{"theme": "dark"}', 'ann'), (2, 2, null, null);
insert into seeded values (2, 'from the source');
insert into computed (id, a) values (1, 1), (2, 21);
insert into parted values (1, 'eu'), (2, 'us'), (3, 'us');

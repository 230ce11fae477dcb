// Read-only commands on plugin stores: the CLI asks the plugin with openStore(url, { readOnly: true }), and a
// store that does not exist yet is neither created nor an error (the note of the file store), for PostgreSQL too.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresReachable, runWith } from '../../../test-services.js';
import { cli, root, useTempDir } from './helpers.js';

// pg is a dependency of @autodev/storage-postgres, not of the CLI: load the copy the plugin uses (typed here by what is used).
interface PgClient {
  connect(): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rowCount: number | null }>;
  end(): Promise<void>;
}
const pg = createRequire(createRequire(join(root, 'package.json')).resolve('@autodev/storage-postgres'))('pg') as { Client: new (config: object) => PgClient };

// PostgreSQL as the storage-postgres tests find it: PGHOST/PGPORT/PGDATABASE, defaults 127.0.0.1:5432/test; the
// user goes in PGUSER (default postgres), so the URL has none, as in `postgres://127.0.0.1:5432/test`.
const host = process.env.PGHOST ?? '127.0.0.1';
const port = process.env.PGPORT ?? '5432';
const database = process.env.PGDATABASE ?? 'test';
const user = process.env.PGUSER ?? 'postgres';
const pgEnv = { PGUSER: user };
const storeUrl = (schema: string) => `postgres://${host}:${port}/${database}?schema=${schema}`;
const schemas: string[] = [];
const uniqueSchema = () => {
  const s = `autodev_cli_ro_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  schemas.push(s);
  return s;
};

async function withAdmin<T>(f: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host, port: Number(port), database, user, password: process.env.PGPASSWORD });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}
const schemaExists = (schema: string) => withAdmin(async (c) => (await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1);

// Without PostgreSQL (and without AUTODEV_REQUIRE_SERVICES=1, which CI sets) the postgres:// tests are skipped.
const withPostgres = runWith(`PostgreSQL at ${host}:${port}`, await postgresReachable(), 'Start one or point PGHOST/PGPORT/PGUSER/PGDATABASE at one.');

afterAll(async () => {
  if (schemas.length === 0) return;
  await withAdmin(async (c) => {
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  });
});

describe.runIf(withPostgres)('read-only commands on a postgres:// store', () => {
  const tmp = useTempDir();

  it('do not create a schema that does not exist (a typo in ?schema=): they note there is no store yet', async () => {
    const dir = tmp();
    const schema = uniqueSchema();
    const url = storeUrl(schema);
    const r = cli(['trends', '--store', url], { cwd: dir, env: pgEnv });
    expect(r.stderr).toContain(`no store at ${url} yet: nothing recorded`);
    expect(r.status).toBe(0);
    for (const command of [['check'], ['export'], ['insights'], ['compare', 'x', '--a', 'branch=main', '--b', 'branch=feature']]) {
      const c = cli([...command, '--store', url], { cwd: dir, env: pgEnv });
      expect(c.stderr, command[0]).toContain(`no store at ${url} yet`);
    }
    expect(await schemaExists(schema)).toBe(false);
    // Writing creates it; then reading sees what was written, without the note.
    expect(cli(['record', 'x', '1', '--store', url], { cwd: dir, env: pgEnv }).status).toBe(0);
    expect(await schemaExists(schema)).toBe(true);
    const e = cli(['export', '--format', 'jsonl', '--store', url], { cwd: dir, env: pgEnv });
    expect(e.stdout).toMatch(/"name":"x","value":1/);
    expect(e.stderr).not.toContain('no store at');
  });

  it('say to put the user in the URL or set PGUSER when neither gives a user name', () => {
    const r = cli(['trends', '--store', storeUrl(uniqueSchema())], { cwd: tmp(), env: { PGUSER: undefined, USER: undefined, USERNAME: undefined } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no PostgreSQL user name specified in startup packet');
    expect(r.stderr).toContain('put the user name in the URL (postgres://user@host/db) or set PGUSER');
  });
});

describe('read-only commands on a sqlite: store that exists', () => {
  const tmp = useTempDir();

  it('read it and leave nothing beside it (no -wal or -shm file)', () => {
    const dir = tmp();
    expect(cli(['record', 'x', '2', '--store', 'sqlite:m.db'], { cwd: dir }).status).toBe(0);
    expect(readdirSync(dir)).toEqual(['m.db']);
    const r = cli(['export', '--format', 'jsonl', '--store', 'sqlite:m.db'], { cwd: dir });
    expect(r.stdout).toMatch(/"name":"x","value":2/);
    expect(r.stderr).not.toContain('no store at');
    expect(readdirSync(dir)).toEqual(['m.db']);
  });
});

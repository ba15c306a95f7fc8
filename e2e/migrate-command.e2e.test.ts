import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { servicesWithDatabase } from '@microtick/devstack';

/**
 * `node <service>/dist/index.js migrate` is how a Kubernetes init container migrates before new pods
 * take traffic: it needs only DATABASE_URL, never connects to the bus or Redis, never listens, and
 * exits 0 when done (non-zero, saying so, when it cannot).
 */
const root = path.resolve(__dirname, '..');

function runEntry(service: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Only PATH from our environment: no NATS_URL, REDIS_URL, JWT_KEY, PORT.
    const child = spawn(process.execPath, [path.join(root, service, 'dist/index.js'), 'migrate'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const adminUrl = () => process.env.TEST_PG_URL!;
const databaseUrl = (name: string) => {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
};

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

describe.each(servicesWithDatabase.map((s) => s.name))('%s migrate', (service) => {
  const name = `migrate_${service}_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  beforeAll(() => withAdmin((c) => c.query(`CREATE DATABASE ${name}`)));
  afterAll(() => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));

  test('applies the migrations to an empty database with only DATABASE_URL set, then exits 0', async () => {
    const { code, output } = await runEntry(service, { DATABASE_URL: databaseUrl(name), NODE_ENV: 'production' });
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('migrations applied') });
    const client = new pg.Client({ connectionString: databaseUrl(name) });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0].n).toBeGreaterThan(1);
    } finally {
      await client.end();
    }
  });

  test('run again, it finds nothing to do and exits 0', async () => {
    const { code, output } = await runEntry(service, { DATABASE_URL: databaseUrl(name) });
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('database already migrated') });
  });

  test('exits non-zero with "migrate failed" when the database is unreachable', async () => {
    const { code, output } = await runEntry(service, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(code).toBe(1);
    expect(output).toContain('migrate failed');
  });

  test('exits non-zero naming DATABASE_URL when it is missing', async () => {
    const { code, output } = await runEntry(service, {});
    expect(code).toBe(1);
    expect(output).toContain('DATABASE_URL is missing');
  });
});

test('expiration has no database: migrate exits 0 at once without any configuration', async () => {
  const { code, output } = await runEntry('expiration', {});
  expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('nothing to migrate') });
});

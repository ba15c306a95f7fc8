/**
 * The backup and restore procedure (docs/deploy.md) on the test harness's real PostgreSQL: a service
 * database with its migrations and seeded rows goes through backup.sh (pg_dump) and restore.sh
 * (pg_restore) into a fresh database, and comes back with the same tables, rows and sequences.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase } from '@microtick/devstack';

const here = __dirname;
const run = (script: string, args: string[]) =>
  spawnSync(path.join(here, script), args, { encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });

/** Every table's rows (in a stable order) and every sequence's position. */
async function contents(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name FROM pg_tables
       WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    const rows: Record<string, unknown> = {};
    for (const { name } of tables.rows)
      rows[name] = (
        await client.query(`SELECT coalesce(json_agg(t ORDER BY t::text), '[]') AS rows FROM ${name} t`)
      ).rows[0].rows;
    const sequences = await client.query(
      `SELECT schemaname || '.' || sequencename AS name, last_value FROM pg_sequences ORDER BY 1`,
    );
    return { rows, sequences: sequences.rows };
  } finally {
    await client.end();
  }
}

describe('backup and restore', () => {
  let source: Awaited<ReturnType<typeof createTestDatabase>>;
  let targetUrl: string;
  let admin: pg.Client;
  const targetName = `restore_${randomUUID().replace(/-/g, '')}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'microtick-backup-'));

  beforeAll(async () => {
    source = await createTestDatabase([path.join(__dirname, '../../tickets/migrations')]);
    await source.pool.query(`
      CREATE TABLE backup_probe (
        id bigserial PRIMARY KEY, title text NOT NULL, price_cents integer, at timestamptz, data jsonb, ref uuid
      )`);
    await source.pool.query(
      `INSERT INTO backup_probe (title, price_cents, at, data, ref)
       SELECT 'ticket ' || i || ' ''quoted'' ünïcode', i * 100, now() - i * interval '1 hour',
              jsonb_build_object('row', i, 'tags', jsonb_build_array('a', i)), gen_random_uuid()
       FROM generate_series(1, 250) AS i`,
    );
    const url = new URL(source.url);
    url.pathname = '/postgres';
    admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${targetName}`);
    url.pathname = `/${targetName}`;
    targetUrl = url.toString();
  });

  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${targetName} WITH (FORCE)`).catch(() => undefined);
    await admin?.end();
    await source?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores a dump into a fresh database with the same tables, rows and sequences', async () => {
    const dump = path.join(dir, 'tickets.dump');
    const backup = run('backup.sh', [source.url, dump]);
    expect({ status: backup.status, stderr: backup.stderr }).toEqual({ status: 0, stderr: '' });
    const restore = run('restore.sh', [dump, targetUrl]);
    expect({ status: restore.status, stderr: restore.stderr }).toEqual({ status: 0, stderr: '' });

    const before = await contents(source.url);
    const after = await contents(targetUrl);
    expect(Object.keys(before.rows)).toContain('public.backup_probe');
    expect((before.rows['public.backup_probe'] as unknown[]).length).toBe(250);
    expect(after).toEqual(before);
  });

  it('refuses to restore over a database that has tables', () => {
    const restore = run('restore.sh', [path.join(dir, 'tickets.dump'), targetUrl]);
    expect(restore.status).toBe(1);
    expect(restore.stderr).toMatch(/restore into an empty database/);
  });
});

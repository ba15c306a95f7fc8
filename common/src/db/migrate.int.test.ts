import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@microtick/devstack';
import { migrate } from './migrate';

describe('migrate', () => {
  it('applies each migration once, in order, and is idempotent', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    writeFileSync(path.join(dir, '0001_create.sql'), 'CREATE TABLE things (id INT PRIMARY KEY);');
    writeFileSync(path.join(dir, '0002_insert.sql'), 'INSERT INTO things VALUES (1);');
    const db = await createTestDatabase([]);
    try {
      expect(await migrate(db.pool, [dir])).toEqual(['0001_create.sql', '0002_insert.sql']);
      expect(await migrate(db.pool, [dir])).toEqual([]);
      const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM things');
      expect(rows[0].n).toBe(1);
    } finally {
      await db.drop();
    }
  });

  it('rolls back a failing migration and reports its name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    writeFileSync(path.join(dir, '0001_bad.sql'), 'CREATE TABLE half (id INT); SELECT nonsense FROM nowhere;');
    const db = await createTestDatabase([]);
    try {
      await expect(migrate(db.pool, [dir])).rejects.toThrow(/0001_bad.sql/);
      const { rows } = await db.pool.query("SELECT to_regclass('half') AS t");
      expect(rows[0].t).toBeNull();
    } finally {
      await db.drop();
    }
  });
});

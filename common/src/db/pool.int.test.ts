import pg from 'pg';
import { createTestDatabase, eventually } from '@microtick/devstack';
import { isUniqueViolation, queryKeepingConnection, withTransaction } from './pool';

describe('database pool helpers', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeEach(async () => {
    db = await createTestDatabase([]);
    await db.pool.query('CREATE TABLE seats (id INT PRIMARY KEY)');
  });
  afterEach(() => db.drop());

  const backendPid = async () =>
    (await queryKeepingConnection<{ pid: number }>(db.pool, { text: 'SELECT pg_backend_pid() AS pid', values: [] }))
      .rows[0].pid;

  it('keeps the connection when the server rejects a statement, so a conflict costs no reconnect', async () => {
    await db.pool.query('INSERT INTO seats VALUES (1)');
    const before = await backendPid();
    const failure = await queryKeepingConnection(db.pool, { text: 'INSERT INTO seats VALUES ($1)', values: [1] }).catch(
      (err: unknown) => err,
    );
    expect(isUniqueViolation(failure)).toBe(true);
    expect(await backendPid()).toBe(before);
    expect(db.pool.totalCount).toBe(1);
  });

  it('a connection the server closed is not handed out again', async () => {
    const pid = await backendPid();
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
    await eventually(async () => (await backendPid().catch(() => pid)) !== pid);
  });

  it('withTransaction commits what fn wrote and rolls everything back when fn throws', async () => {
    await withTransaction(db.pool, (c) => c.query('INSERT INTO seats VALUES (1)'));
    await expect(
      withTransaction(db.pool, async (c) => {
        await c.query('INSERT INTO seats VALUES (2)');
        throw new Error('rule broken');
      }),
    ).rejects.toThrow('rule broken');
    const { rows } = await db.pool.query('SELECT id FROM seats ORDER BY id');
    expect(rows).toEqual([{ id: 1 }]);
  });
});

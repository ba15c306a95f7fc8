import pg from 'pg';
import { createTestDatabase, eventually } from '@microtick/devstack';
import { createPool, isUniqueViolation, plannedWithValues, queryKeepingConnection, withTransaction } from './pool';

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

  it('a connection the server ends while it is checked out is reported, not a crash, and is not used again', async () => {
    const reported: Error[] = [];
    const pool = createPool(db.url, 1, (err) => reported.push(err));
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await admin.end();
      await eventually(async () => reported.length > 0);
      expect((reported[0] as { code?: string }).code).toBe('57P01');
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release();
      const after = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(after.rows[0].pid).not.toBe(rows[0].pid);
    } finally {
      await pool.end();
    }
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
  describe('prepared statements', () => {
    /** A pool of one connection, so every statement of the test meets the same backend. */
    async function withOneConnection(test: (pool: pg.Pool) => Promise<void>): Promise<void> {
      const pool = createPool(db.url, 1);
      try {
        await test(pool);
      } finally {
        await pool.end();
      }
    }
    const preparedOn = async (pool: pg.Pool) =>
      (await pool.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements'))
        .rows;

    it('prepares a statement with parameters once per connection, and each call gets its own values', () =>
      withOneConnection(async (pool) => {
        await pool.query('INSERT INTO seats VALUES ($1), ($2)', [1, 2]);
        const text = 'SELECT id FROM seats WHERE id = $1';
        const first = await pool.query(text, [1]);
        const second = await pool.query({ text, values: [2] });
        expect([first.rows, second.rows]).toEqual([[{ id: 1 }], [{ id: 2 }]]);
        const prepared = await preparedOn(pool);
        expect(prepared.filter((p) => p.statement === text)).toHaveLength(1);
        expect(prepared.map((p) => p.statement)).toContain('INSERT INTO seats VALUES ($1), ($2)');
      }));

    it('leaves statements without parameters unprepared and keeps a name given by the caller', () =>
      withOneConnection(async (pool) => {
        await pool.query('SELECT count(*) FROM seats');
        await pool.query({ name: 'count-seats', text: 'SELECT count(*) FROM seats WHERE id > $1', values: [0] });
        expect((await preparedOn(pool)).map((p) => p.name)).toEqual(['count-seats']);
      }));

    it('leaves a statement planned with its values unprepared, however often it runs', () =>
      withOneConnection(async (pool) => {
        const text = 'SELECT id FROM seats WHERE id > $1';
        for (let call = 0; call < 7; call += 1) await pool.query(plannedWithValues({ text, values: [call] }));
        expect(await preparedOn(pool)).toEqual([]);
      }));

    it('a prepared statement the server rejects leaves the connection usable for the next call', () =>
      withOneConnection(async (pool) => {
        await pool.query('INSERT INTO seats VALUES ($1)', [7]);
        const client = await pool.connect();
        try {
          await expect(client.query('INSERT INTO seats VALUES ($1)', [7])).rejects.toThrow(/duplicate key/);
          await client.query('INSERT INTO seats VALUES ($1)', [8]);
        } finally {
          client.release();
        }
        expect((await pool.query('SELECT id FROM seats ORDER BY id')).rows).toEqual([{ id: 7 }, { id: 8 }]);
      }));
  });
});

import { randomUUID } from 'node:crypto';
import { rowsRead, testDatabase } from '@microtick/devstack';
import { migrationsDir } from './migrations';
import { CREATE_SESSION, createSession, isLiveSession } from './sessions';

const db = testDatabase([migrationsDir]);

async function aUser(): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id`,
    [`${randomUUID()}@example.com`],
  );
  return rows[0].id;
}

it("opens a live session and forgets only that user's expired ones", async () => {
  const user = await aUser();
  const other = await aUser();
  const expired = (id: string) =>
    db.pool.query(`INSERT INTO sessions (user_id, expires_at) VALUES ($1, now() - interval '1 second')`, [id]);
  await expired(user);
  await expired(other);
  const session = await createSession(db.pool, user, 60);
  expect(await isLiveSession(db.pool, session, user)).toBe(true);
  const { rows } = await db.pool.query<{ user_id: string }>('SELECT user_id FROM sessions WHERE expires_at < now()');
  expect(rows.map((r) => r.user_id)).toEqual([other]);
});

it("reads only the signing-in user's sessions, however many others there are", async () => {
  // Two thousand other people's sessions: live, expired and revoked.
  await db.pool.query(
    `WITH u AS (
       INSERT INTO users (email, password_hash)
       SELECT gen_random_uuid() || '@example.com', 'x' FROM generate_series(1, 2000) RETURNING id
     )
     INSERT INTO sessions (user_id, expires_at, revoked_at)
     SELECT id, now() + (random() - 0.5) * interval '1 day', CASE WHEN random() < 0.3 THEN now() END FROM u`,
  );
  await db.pool.query('ANALYZE sessions');
  const read = await rowsRead(db.pool, CREATE_SESSION, [await aUser(), 60]);
  expect(read.sessions ?? 0).toBeLessThan(100);
});

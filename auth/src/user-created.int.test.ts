import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnvelope } from '@microtick/common';
import request from 'supertest';
import { migrationsDir } from './store/migrations';
import { startAuthUnderTest, type AuthUnderTest } from './testing/auth-under-test';

let auth: AuthUnderTest;
beforeAll(async () => {
  auth = await startAuthUnderTest();
});
afterAll(() => auth.stop());

const password = 'correct horse battery';
const newEmail = () => `someone-${randomUUID()}@example.com`;

async function userCreatedFor(userId: string) {
  const { rows } = await auth.db.pool.query<{ envelope: unknown }>(
    "SELECT envelope FROM outbox WHERE subject = 'user.created' AND envelope->'data'->>'id' = $1",
    [userId],
  );
  return rows.map((row) => parseEnvelope(row.envelope, 'user.created'));
}

it('records one user.created {id, email, version 0} with the sign-up', async () => {
  const email = newEmail();
  const res = await request(auth.app()).post('/api/users/signup').send({ email, password }).expect(201);
  const events = await userCreatedFor(res.body.id);
  expect(events.map((e) => e.data)).toEqual([{ id: res.body.id, email, version: 0 }]);
});

it('records nothing for a sign-up refused as "Email in use"', async () => {
  const email = newEmail();
  await request(auth.app()).post('/api/users/signup').send({ email, password }).expect(201);
  await request(auth.app()).post('/api/users/signup').send({ email, password }).expect(409);
  const { rows } = await auth.db.pool.query(
    "SELECT 1 FROM outbox WHERE subject = 'user.created' AND envelope->'data'->>'email' = $1",
    [email],
  );
  expect(rows).toHaveLength(1);
});

it('announces users who signed up before user.created existed, once each, with valid events', async () => {
  const email = newEmail();
  const { rows } = await auth.db.pool.query<{ id: string }>(
    "INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id",
    [email],
  );
  const backfill = readFileSync(path.join(migrationsDir, '0004_announce_existing_users.sql'), 'utf8');
  await auth.db.pool.query(backfill);
  await auth.db.pool.query(backfill);
  const events = await userCreatedFor(rows[0].id);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ id: rows[0].id, data: { id: rows[0].id, email, version: 0 } });
});

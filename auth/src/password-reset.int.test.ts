import { createHash, randomUUID } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { eventually, mailTo } from '@microtick/devstack';
import request from 'supertest';
import { startAuthUnderTest, type AuthUnderTest } from './testing/auth-under-test';

/** Password reset on the real PostgreSQL, Redis and the test run's SMTP server, which keeps every message. */

let auth: AuthUnderTest;
beforeAll(async () => {
  auth = await startAuthUnderTest();
});
afterAll(() => auth.stop());

const password = 'correct horse battery';
const newPassword = 'a brand new passphrase';
const newEmail = () => `reset-${randomUUID()}@example.com`;
const cookieOf = (res: request.Response) =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('session='))!
    .split(';')[0];

async function signUp(app = auth.app(), email = newEmail()) {
  const res = await request(app).post('/api/users/signup').send({ email, password }).expect(201);
  return { email, id: res.body.id as string, cookie: cookieOf(res) };
}

/** Waits for the count-th reset email to the address and returns it with the token its link carries. */
async function resetMail(email: string, count = 1) {
  const messages = await eventually(async () => {
    const found = await mailTo(email);
    return found.length >= count && found;
  });
  const mail = messages[0];
  const link = /http:\/\/localhost:3000\/auth\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!link) throw new Error(`no reset link in: ${mail.text}`);
  return { mail, token: link[1] };
}

const askForReset = (email: string, app = auth.app()) => request(app).post('/api/users/password-reset').send({ email });
const confirm = (token: string, password = newPassword, app = auth.app()) =>
  request(app).post('/api/users/password-reset/confirm').send({ token, newPassword: password });

describe('POST /api/users/password-reset and /confirm', () => {
  it('emails a link; the new password works, the old one and every old session do not', async () => {
    const app = auth.app();
    const user = await signUp(app);
    const other = await request(app).post('/api/users/signin').send({ email: user.email, password }).expect(200);

    await askForReset(user.email, app).expect(202);
    const { mail, token } = await resetMail(user.email);
    expect(mail.subject).toBe('Reset your MicroTick password');
    expect(mail.html).toContain(`http://localhost:3000/auth/reset-password?token=${token}`);
    expect(mail.text).toMatch(/30 minutes/);

    await confirm(token, newPassword, app).expect(204);
    for (const cookie of [user.cookie, cookieOf(other)]) {
      const res = await request(app).get('/api/users/currentuser').set('Cookie', cookie).expect(200);
      expect(res.body).toEqual({ currentUser: null });
    }
    await request(app).post('/api/users/signin').send({ email: user.email, password }).expect(400);
    await request(app).post('/api/users/signin').send({ email: user.email, password: newPassword }).expect(200);
    // The other services learn of the revocations over the bus.
    const { rows } = await auth.db.pool.query(
      "SELECT envelope FROM outbox WHERE subject = 'user.session-revoked' AND envelope->'data'->>'userId' = $1",
      [user.id],
    );
    expect(rows.flatMap((r) => r.envelope.data.sessionIds)).toHaveLength(2);
  });

  it('answers 202 with the same body for an unknown email, and sends it nothing', async () => {
    const known = await signUp();
    const unknown = newEmail();
    const forUnknown = await askForReset(unknown).expect(202);
    const forKnown = await askForReset(known.email).expect(202);
    expect(forUnknown.body).toEqual(forKnown.body);
    await resetMail(known.email);
    expect(await mailTo(unknown)).toEqual([]);
  });

  it('answers before it looks the email up or sends anything', async () => {
    // An SMTP server that accepts connections and never greets: a send to it never finishes.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const app = auth.app({ SMTP_URL: `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}` });
      const user = await signUp(app);
      await askForReset(user.email, app).expect(202);
      await eventually(async () => sockets.length > 0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('stores only a hash of the token, good for 30 minutes', async () => {
    const user = await signUp();
    await askForReset(user.email).expect(202);
    const { token } = await resetMail(user.email);
    const { rows } = await auth.db.pool.query(
      `SELECT token_hash, extract(epoch FROM expires_at - created_at)::int AS ttl FROM password_resets
       WHERE user_id = $1`,
      [user.id],
    );
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(token).digest(), ttl: 1800 }]);
    const { rows: anywhere } = await auth.db.pool.query(
      'SELECT count(*)::int AS n FROM password_resets WHERE encode(token_hash, $2) = $1 OR encode(token_hash, $3) = $1',
      [token, 'hex', 'base64'],
    );
    expect(anywhere[0].n).toBe(0);
  });

  it('takes a link once: a second use answers 400 "Invalid or expired link"', async () => {
    const user = await signUp();
    await askForReset(user.email).expect(202);
    const { token } = await resetMail(user.email);
    await confirm(token).expect(204);
    const again = await confirm(token, 'yet another passphrase').expect(400);
    expect(again.body).toEqual({ errors: [{ message: 'Invalid or expired link' }] });
    await request(auth.app()).post('/api/users/signin').send({ email: user.email, password: newPassword }).expect(200);
  });

  it('lets exactly one of two simultaneous uses of a link through', async () => {
    const user = await signUp();
    await askForReset(user.email).expect(202);
    const { token } = await resetMail(user.email);
    const results = await Promise.all([
      confirm(token, 'first new passphrase'),
      confirm(token, 'second new passphrase'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 400]);
  });

  it('refuses an expired link, an unknown one, and one replaced by a newer email', async () => {
    const user = await signUp();
    await askForReset(user.email).expect(202);
    const first = await resetMail(user.email);
    await askForReset(user.email).expect(202);
    const second = await resetMail(user.email, 2);
    expect(second.token).not.toBe(first.token);
    await confirm(first.token).expect(400, { errors: [{ message: 'Invalid or expired link' }] });
    await confirm('not-a-token-we-sent').expect(400, { errors: [{ message: 'Invalid or expired link' }] });
    await confirm('x'.repeat(10_000)).expect(400, { errors: [{ field: 'token', message: 'Invalid or expired link' }] });

    await auth.db.pool.query("UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = $1", [
      user.id,
    ]);
    await confirm(second.token).expect(400, { errors: [{ message: 'Invalid or expired link' }] });
    await request(auth.app()).post('/api/users/signin').send({ email: user.email, password }).expect(200);
  });

  it('judges the new password by the password rules and keeps the link for a second try', async () => {
    const user = await signUp();
    await askForReset(user.email).expect(202);
    const { token } = await resetMail(user.email);
    const short = await confirm(token, 'eleven char').expect(400);
    expect(short.body).toEqual({
      errors: [{ message: 'Password must be between 12 and 128 characters', field: 'newPassword' }],
    });
    const ownEmail = await confirm(token, `my ${user.email.split('@')[0]} password`).expect(400);
    expect(ownEmail.body.errors[0].field).toBe('newPassword');
    await confirm(token).expect(204);
  });

  it('answers malformed requests with 400 in the error shape', async () => {
    const app = auth.app();
    for (const body of [{}, { email: 'not an email' }, { email: 42 }, { email: { toString: 1 } }]) {
      const res = await request(app).post('/api/users/password-reset').send(body).expect(400);
      expect(res.body.errors[0]).toEqual(expect.objectContaining({ field: 'email' }));
    }
    for (const body of [{}, { token: 7, newPassword }, { token: '', newPassword }, { token: 'x', newPassword: 5 }]) {
      const res = await request(app).post('/api/users/password-reset/confirm').send(body).expect(400);
      expect(res.body).toEqual({
        errors: expect.arrayContaining([{ message: expect.any(String), field: expect.any(String) }]),
      });
    }
  });

  it('limits reset emails per address asked for, known or not: 429 with Retry-After', async () => {
    const app = auth.app({ PASSWORD_RESET_EMAIL_LIMIT: '2' });
    const user = await signUp(app);
    for (const email of [user.email, newEmail()]) {
      await askForReset(email, app).expect(202);
      await askForReset(email.toUpperCase(), app).expect(202);
      const res = await askForReset(email, app).expect(429);
      expect(res.body).toEqual({ errors: [{ message: 'Too many reset emails for this address, try again later' }] });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    await resetMail(user.email, 2);
  });

  it("does not let a stranger who uses up an address's reset emails lock its owner out of a link", async () => {
    const app = auth.app({ PASSWORD_RESET_EMAIL_LIMIT: '2' });
    const user = await signUp(app);
    const from = (client: string) =>
      request(app).post('/api/users/password-reset').set('X-Forwarded-For', client).send({ email: user.email });
    await from('198.51.100.7').expect(202);
    await from('198.51.100.7').expect(202);
    await from('198.51.100.7').expect(429);
    await from('203.0.113.20').expect(202);
    // From all clients together, four times the limit: then nobody can make auth mail this address more.
    for (const client of ['203.0.113.20', '203.0.113.21', '203.0.113.21', '203.0.113.22', '203.0.113.22'])
      await from(client).expect(202);
    await from('203.0.113.23').expect(429);
  });

  it('limits requests and confirmations per client address', async () => {
    const app = auth.app({ AUTH_RATE_LIMIT: '2' });
    for (const path of ['/api/users/password-reset', '/api/users/password-reset/confirm']) {
      const body = { email: newEmail(), token: 'whatever', newPassword };
      await request(app).post(path).send(body);
      await request(app).post(path).send(body);
      await request(app).post(path).send(body).expect(429);
    }
  });
});

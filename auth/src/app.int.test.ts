import { randomUUID } from 'node:crypto';
import { TEST_JWT_KEY } from '@microtick/devstack';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { readConfig } from './config';
import { startAuthUnderTest, type AuthUnderTest } from './testing/auth-under-test';

let auth: AuthUnderTest;
let db: AuthUnderTest['db'];
beforeAll(async () => {
  auth = await startAuthUnderTest();
  db = auth.db;
});
afterAll(() => auth.stop());

const appWith = (env: Record<string, string | undefined> = {}) => auth.app(env);

const newEmail = () => `buyer-${randomUUID()}@example.com`;
const password = 'correct horse battery';
const sessionCookieOf = (res: request.Response) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('session='));

describe('POST /api/users/signup', () => {
  const app = () => appWith();

  it('creates a user, answers 201 {id, email} and sets an HttpOnly SameSite=Lax session cookie', async () => {
    const email = newEmail();
    const res = await request(app()).post('/api/users/signup').send({ email, password }).expect(201);
    expect(res.body).toEqual({ id: expect.any(String), email });
    const cookie = sessionCookieOf(res);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=86400/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure in production or when COOKIE_SECURE=true', async () => {
    for (const env of [{ NODE_ENV: 'production' }, { COOKIE_SECURE: 'true' }]) {
      const res = await request(appWith(env))
        .post('/api/users/signup')
        .send({ email: newEmail(), password })
        .expect(201);
      expect(sessionCookieOf(res)).toMatch(/Secure/);
    }
  });

  it('normalises the email and rejects a second sign-up with 409 "Email in use", case-insensitively', async () => {
    const email = newEmail();
    const first = await request(app())
      .post('/api/users/signup')
      .send({ email: `  ${email.toUpperCase()} `, password })
      .expect(201);
    expect(first.body.email).toBe(email);
    const res = await request(app()).post('/api/users/signup').send({ email, password }).expect(409);
    expect(res.body).toEqual({ errors: [{ message: 'Email in use' }] });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
    expect(rows[0].n).toBe(1);
  });

  it.each([
    [{ email: 'not-an-email', password }, 'email'],
    [{ email: newEmail(), password: 'short' }, 'password'],
    [{ email: newEmail(), password: 'x'.repeat(129) }, 'password'],
    [{ email: newEmail(), password: 'Password123' }, 'password'],
    [{ password }, 'email'],
    [{ email: newEmail() }, 'password'],
    [{ email: 42, password }, 'email'],
    [{ email: newEmail(), password: ['array'] }, 'password'],
  ])('rejects %j with 400 naming the field %s, and creates nothing', async (body, field) => {
    const before = await db.pool.query('SELECT count(*)::int AS n FROM users');
    const res = await request(app()).post('/api/users/signup').send(body).expect(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]),
    );
    const after = await db.pool.query('SELECT count(*)::int AS n FROM users');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('stores an argon2id hash, never the password, and never returns either', async () => {
    const email = newEmail();
    const res = await request(app()).post('/api/users/signup').send({ email, password }).expect(201);
    const { rows } = await db.pool.query('SELECT password_hash FROM users WHERE email = $1', [email]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(res.body)).not.toContain(password);
    expect(JSON.stringify(res.body)).not.toContain(rows[0].password_hash);
  });
});

describe('POST /api/users/signin', () => {
  it('answers 200 {id, email} with a session cookie for the right password', async () => {
    const email = newEmail();
    const signup = await request(appWith()).post('/api/users/signup').send({ email, password }).expect(201);
    const res = await request(appWith())
      .post('/api/users/signin')
      .send({ email: email.toUpperCase(), password })
      .expect(200);
    expect(res.body).toEqual({ id: signup.body.id, email });
    expect(sessionCookieOf(res)).toMatch(/HttpOnly/);
  });

  it('answers the same 400 "Invalid credentials" for a wrong password and an unknown email', async () => {
    const email = newEmail();
    await request(appWith()).post('/api/users/signup').send({ email, password }).expect(201);
    const wrong = await request(appWith())
      .post('/api/users/signin')
      .send({ email, password: 'wrong password' })
      .expect(400);
    const unknown = await request(appWith())
      .post('/api/users/signin')
      .send({ email: newEmail(), password })
      .expect(400);
    expect(wrong.body).toEqual({ errors: [{ message: 'Invalid credentials' }] });
    expect(unknown.body).toEqual(wrong.body);
    expect(sessionCookieOf(wrong)).toBeUndefined();
  });

  it('rate-limits repeated attempts with 429 in the error shape', async () => {
    const app = appWith({ AUTH_RATE_LIMIT: '3' });
    for (let i = 0; i < 3; i += 1) {
      await request(app).post('/api/users/signin').send({ email: newEmail(), password }).expect(400);
    }
    const res = await request(app).post('/api/users/signin').send({ email: newEmail(), password }).expect(429);
    expect(res.body).toEqual({ errors: [{ message: expect.any(String) }] });
  });
});

describe('per-account sign-in limit', () => {
  it('answers 429 after too many failed sign-ins for one account, from any address, and spares other accounts', async () => {
    const app = appWith({ AUTH_ACCOUNT_FAILURE_LIMIT: '3' });
    const victim = newEmail();
    const other = newEmail();
    await request(app).post('/api/users/signup').send({ email: victim, password }).expect(201);
    await request(app).post('/api/users/signup').send({ email: other, password }).expect(201);
    for (let i = 0; i < 3; i += 1) {
      await request(app)
        .post('/api/users/signin')
        .set('X-Forwarded-For', `203.0.113.${i}`)
        .send({ email: victim, password: 'wrong password' })
        .expect(400);
    }
    const blocked = await request(app)
      .post('/api/users/signin')
      .send({ email: victim.toUpperCase(), password })
      .expect(429);
    expect(blocked.body).toEqual({
      errors: [{ message: 'Too many failed sign-ins for this account, try again later' }],
    });
    await request(app).post('/api/users/signin').send({ email: other, password }).expect(200);
  });
});

describe('session', () => {
  it('currentuser returns the signed-in user, and null after sign-out clears the cookie', async () => {
    const agent = request.agent(appWith());
    const email = newEmail();
    const signup = await agent.post('/api/users/signup').send({ email, password }).expect(201);
    const me = await agent.get('/api/users/currentuser').expect(200);
    expect(me.body).toEqual({ currentUser: { id: signup.body.id, email } });
    const out = await agent.post('/api/users/signout').expect(204);
    expect(sessionCookieOf(out)).toMatch(/session=;/);
    await agent.get('/api/users/currentuser').expect(200, { currentUser: null });
  });

  it('treats an expired, never-expiring, tampered, wrongly signed or alg=none token as signed out', async () => {
    const user = { id: randomUUID(), email: newEmail() };
    const expired = jwt.sign({ ...user, exp: Math.floor(Date.now() / 1000) - 10 }, TEST_JWT_KEY, {
      issuer: 'microtick',
    });
    const forged = jwt.sign(user, 'another-key-that-is-long-enough-0123456789abcdef', { issuer: 'microtick' });
    const valid = jwt.sign(user, TEST_JWT_KEY, { issuer: 'microtick', expiresIn: 60 });
    const neverExpires = jwt.sign(user, TEST_JWT_KEY, { issuer: 'microtick' });
    const [h, , s] = valid.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...user, id: randomUUID() })).toString('base64url')}.${s}`;
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(user)).toString('base64url')}.`;
    const wrongIssuer = jwt.sign(user, TEST_JWT_KEY, { issuer: 'someone-else' });
    for (const token of [expired, neverExpires, forged, tampered, none, wrongIssuer, 'garbage']) {
      await request(appWith())
        .get('/api/users/currentuser')
        .set('Cookie', `session=${token}`)
        .expect(200, { currentUser: null });
    }
    await request(appWith())
      .get('/api/users/currentuser')
      .set('Cookie', `session=${valid}`)
      .expect(200, { currentUser: user });
  });
});

describe('hostile requests', () => {
  it('answers malformed JSON with 400 in the error shape', async () => {
    const res = await request(appWith())
      .post('/api/users/signup')
      .set('Content-Type', 'application/json')
      .send('{"email": ')
      .expect(400);
    expect(res.body).toEqual({ errors: [{ message: 'Request body is not valid JSON' }] });
  });

  it('answers a non-JSON body with 415 and an oversized one with 413', async () => {
    await request(appWith()).post('/api/users/signup').set('Content-Type', 'text/plain').send('email=a').expect(415);
    await request(appWith()).post('/api/users/signup').type('form').send({ email: 'a', password: 'b' }).expect(415);
    const res = await request(appWith())
      .post('/api/users/signup')
      .send({ email: newEmail(), password, padding: 'x'.repeat(100_000) })
      .expect(413);
    expect(res.body.errors[0].message).toMatch(/too large/);
  });

  it('answers unknown routes with 404 in the error shape, without x-powered-by', async () => {
    const res = await request(appWith()).get('/api/users/nope').expect(404);
    expect(res.body).toEqual({ errors: [{ message: 'Route not found' }] });
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('ignores prototype-pollution keys', async () => {
    const body = `{"email":"${newEmail()}","password":"${password}","__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}`;
    await request(appWith()).post('/api/users/signup').set('Content-Type', 'application/json').send(body).expect(201);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('operations', () => {
  it('serves /alive, /health with the database status, and /metrics', async () => {
    await request(appWith()).get('/alive').expect(200, { status: 'ok' });
    await request(appWith())
      .get('/health')
      .expect(200, { status: 'ok', checks: { database: 'ok' } });
    const metrics = await request(appWith()).get('/metrics').expect(200);
    expect(metrics.text).toContain('http_request_duration_seconds');
  });

  it('refuses to start without its configuration, naming what is missing', () => {
    expect(() => readConfig({})).toThrow(/DATABASE_URL is missing[\s\S]*JWT_KEY is missing/);
  });
});

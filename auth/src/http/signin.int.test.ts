import request from 'supertest';
import { startAuthUnderTest, type AuthUnderTest } from '../testing/auth-under-test';

// Found by e2e/hostile-input: the per-account limiter's key was String(email), which throws for some objects.
let auth: AuthUnderTest;
beforeAll(async () => {
  auth = await startAuthUnderTest();
});
afterAll(() => auth.stop());

describe('POST /api/users/signin with an email that is not a string', () => {
  it.each<unknown>([{ toString: 'x', valueOf: 1 }, { toString: 1 }, ['a@example.com'], 42, null])(
    'answers %j with 400 in the error shape',
    async (email) => {
      const res = await request(auth.app())
        .post('/api/users/signin')
        .send({ email, password: 'whatever it is' })
        .expect(400);
      expect(res.body).toEqual({ errors: [{ message: 'Email must be a string', field: 'email' }] });
    },
  );
});

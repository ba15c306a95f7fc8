import request from 'supertest';
import { startExpirationUnderTest, type ExpirationUnderTest } from './testing/expiration-under-test';

let expiration: ExpirationUnderTest;
beforeAll(async () => {
  expiration = await startExpirationUnderTest();
});
afterAll(() => expiration.stop());

describe('the expiration app', () => {
  it('answers /health with bus and redis ok', async () => {
    const res = await request(expiration.app).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { bus: 'ok', redis: 'ok' } });
  });

  it('has no API: /api paths are 404 in the error shape', async () => {
    const res = await request(expiration.app).get('/api/expirations').expect(404);
    expect(res.body).toEqual({ errors: [{ message: expect.any(String) }] });
  });
});

import { readConfig } from './config';

const required = {
  DATABASE_URL: 'postgres://localhost/orders',
  NATS_URL: 'nats://localhost:4222',
  AUTH_JWKS_URL: 'http://auth:4001/api/users/.well-known/jwks.json',
  REDIS_URL: 'redis://localhost:6379',
};

describe('readConfig', () => {
  it('defaults PORT to 4003 and the order window to 900 seconds', () => {
    expect(readConfig(required)).toMatchObject({ PORT: 4003, ORDER_EXPIRATION_SECONDS: 900 });
  });

  it('reads ORDER_EXPIRATION_SECONDS and rejects one that is not a positive integer', () => {
    expect(readConfig({ ...required, ORDER_EXPIRATION_SECONDS: '60' }).ORDER_EXPIRATION_SECONDS).toBe(60);
    expect(() => readConfig({ ...required, ORDER_EXPIRATION_SECONDS: '0' })).toThrow(/ORDER_EXPIRATION_SECONDS/);
  });

  it('refuses to start without its configuration, naming what is missing', () => {
    expect(() => readConfig({})).toThrow(
      /DATABASE_URL is missing[\s\S]*NATS_URL is missing[\s\S]*AUTH_JWKS_URL is missing[\s\S]*REDIS_URL is missing/,
    );
  });
});

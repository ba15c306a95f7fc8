import { ConfigError, configFragments, loadConfig } from './config';

const shape = {
  DATABASE_URL: configFragments.databaseUrl,
  REDIS_URL: configFragments.redisUrl,
  PORT: configFragments.port.default(3000),
};

describe('loadConfig', () => {
  it('names every missing or invalid variable in one error', () => {
    try {
      loadConfig(shape, { REDIS_URL: 'http://x' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual(['DATABASE_URL is missing', 'REDIS_URL must be a redis:// URL']);
      expect((err as Error).message).toContain('DATABASE_URL is missing');
    }
  });

  it('parses and applies defaults', () => {
    const config = loadConfig(shape, { DATABASE_URL: 'postgres://x@localhost/db', REDIS_URL: 'redis://r' });
    expect(config).toEqual({ DATABASE_URL: 'postgres://x@localhost/db', REDIS_URL: 'redis://r', PORT: 3000 });
  });
});

import { ConfigError, configFragments, loadConfig } from './config';

const shape = {
  DATABASE_URL: configFragments.databaseUrl,
  JWT_KEY: configFragments.jwtKey,
  PORT: configFragments.port.default(3000),
};

describe('loadConfig', () => {
  it('names every missing or invalid variable in one error', () => {
    try {
      loadConfig(shape, { JWT_KEY: 'short' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        'DATABASE_URL is missing',
        'JWT_KEY must be at least 32 characters',
      ]);
      expect((err as Error).message).toContain('DATABASE_URL is missing');
    }
  });

  it('parses and applies defaults', () => {
    const config = loadConfig(shape, { DATABASE_URL: 'postgres://x@localhost/db', JWT_KEY: 'k'.repeat(32) });
    expect(config).toEqual({ DATABASE_URL: 'postgres://x@localhost/db', JWT_KEY: 'k'.repeat(32), PORT: 3000 });
  });
});

import {
  configFragments as f,
  loadConfig,
  storeAndBusConfig,
  loadSigningKeys,
  mailConfig,
  publishedJwks,
  userFacingConfig,
} from '@microtick/common';
import { z } from 'zod';

const reads = (load: () => unknown) => {
  try {
    load();
    return true;
  } catch {
    return false;
  }
};

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  const raw = loadConfig(
    {
      ...storeAndBusConfig(4001),
      ...userFacingConfig,
      /** Ed25519 private key (PKCS#8 PEM, or that PEM base64-encoded on one line) that signs sessions. */
      AUTH_SIGNING_KEY: z
        .string()
        .refine((key) => reads(() => loadSigningKeys(key)), 'must be an Ed25519 private key in PKCS#8 PEM'),
      /** Keys rotated out, still published so their tokens stay valid (PEM blocks, private or public). */
      AUTH_PREVIOUS_SIGNING_KEYS: z
        .string()
        .refine((keys) => reads(() => publishedJwks(keys)), 'must be Ed25519 keys in PEM')
        .default(''),
      COOKIE_SECURE: f.booleanFromString.optional(),
      AUTH_RATE_LIMIT: f.positiveInt.default(20),
      AUTH_RATE_WINDOW_SECONDS: f.positiveInt.default(15 * 60),
      AUTH_ACCOUNT_FAILURE_LIMIT: f.positiveInt.default(50),
      /** Reset links one email address can be sent in an hour, whoever asks. */
      PASSWORD_RESET_EMAIL_LIMIT: f.positiveInt.default(5),
      // Password reset emails: SMTP_URL, MAIL_FROM and APP_URL (the origin the link points to).
      ...mailConfig,
      LOG_LEVEL: f.logLevel,
    },
    env,
  );
  return {
    ...raw,
    // Secure cookies unless told otherwise; local HTTP development opts out.
    COOKIE_SECURE: raw.COOKIE_SECURE ?? raw.NODE_ENV === 'production',
  };
}

export type AuthConfig = ReturnType<typeof readConfig>;

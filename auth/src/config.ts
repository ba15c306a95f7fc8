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

/** The problem with a key setting, as the message loadSigningKeys or publishedJwks throws, if any. */
const keyProblem = (load: () => unknown): string | undefined => {
  try {
    load();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
};

/** A refinement naming what is wrong with a key, after the rule it breaks. */
const keySetting = (rule: string, load: (value: string) => unknown) => (value: string, ctx: z.RefinementCtx) => {
  const problem = keyProblem(() => load(value));
  if (problem) ctx.addIssue({ code: 'custom', message: `${rule} (${problem})` });
};

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  const raw = loadConfig(
    {
      ...storeAndBusConfig(4001),
      ...userFacingConfig,
      /**
       * The private key that signs sessions (PEM, or that PEM base64-encoded on one line): RSA of at least
       * 2048 bits, tokens RS256 (new keys), or Ed25519, tokens EdDSA (keys made before RS256).
       */
      AUTH_SIGNING_KEY: z
        .string()
        .superRefine(
          keySetting('must be an RSA private key of at least 2048 bits or an Ed25519 one, in PEM', (key) =>
            loadSigningKeys(key),
          ),
        ),
      /** Keys rotated out, still published so their tokens stay valid (PEM blocks, private or public, either kind). */
      AUTH_PREVIOUS_SIGNING_KEYS: z
        .string()
        .superRefine(
          keySetting('must be RSA keys of at least 2048 bits or Ed25519 keys, in PEM', (keys) => publishedJwks(keys)),
        )
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

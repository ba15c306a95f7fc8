import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { Logger } from '../logger';
import { ServiceUnavailableError } from './errors';

/** The JWS algorithms of session tokens. Each key has exactly one: RSA signs RS256, Ed25519 EdDSA. */
export type SessionAlgorithm = 'RS256' | 'EdDSA';

/** The smallest RSA modulus accepted, for signing or verifying. */
export const MIN_RSA_BITS = 2048;

/** An RSA public key as published in the JWKS (RFC 7517/7518), named by its RFC 7638 thumbprint. */
export interface RsaPublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

/** An Ed25519 public key as published in the JWKS (RFC 8037), named by its RFC 7638 thumbprint. */
export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export type PublicJwk = RsaPublicJwk | Ed25519PublicJwk;

export interface Jwks {
  keys: PublicJwk[];
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** Where a verifier finds the public key a token names; an unknown kid resolves to undefined. */
export interface KeySource {
  key(kid: string): KeyObject | undefined | Promise<KeyObject | undefined>;
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

const KEY_RULE = `an RSA key of at least ${MIN_RSA_BITS} bits (RS256) or an Ed25519 key (EdDSA)`;

/**
 * The one algorithm a session key (private or public) signs or verifies with, or undefined for a key that
 * may do neither: RSA under MIN_RSA_BITS, RSA-PSS, EC, anything else. The key alone decides: a token's
 * header never chooses the algorithm.
 */
export function sessionAlgorithmOf(key: KeyObject): SessionAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS) return 'RS256';
  return undefined;
}

function keyKind(key: KeyObject): string {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  return bits ? `${key.asymmetricKeyType} of ${bits} bits` : String(key.asymmetricKeyType);
}

// RFC 7638: SHA-256 of the required members in lexicographic order, no whitespace.
const thumbprint = (members: object) => createHash('sha256').update(JSON.stringify(members)).digest('base64url');

/** The key's algorithm; throws, naming the rule and the key, for a key that may not sign sessions. */
export function requireSessionAlgorithm(key: KeyObject): SessionAlgorithm {
  const alg = sessionAlgorithmOf(key);
  if (!alg) throw new Error(`session keys must be ${KEY_RULE}; this one is ${keyKind(key)}`);
  return alg;
}

function publicJwk(publicKey: KeyObject): PublicJwk {
  const alg = requireSessionAlgorithm(publicKey);
  if (alg === 'RS256') {
    const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    return { kty: 'RSA', n, e, kid: thumbprint({ e, kty: 'RSA', n }), alg, use: 'sig' };
  }
  const { x } = publicKey.export({ format: 'jwk' }) as { x: string };
  return { kty: 'OKP', crv: 'Ed25519', x, kid: thumbprint({ crv: 'Ed25519', kty: 'OKP', x }), alg, use: 'sig' };
}

/**
 * PEM text as given, or PEM text base64-encoded (whitespace- or comma-separated for several keys): an
 * env file, and so a Kubernetes Secret made from one, holds a value on a single line.
 */
function pemText(value: string): string {
  if (value.includes('-----BEGIN')) return value;
  return value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((encoded) => Buffer.from(encoded, 'base64').toString('utf8'))
    .join('\n');
}

/** Every PEM block in the text (private or public keys), as public keys. */
function publicKeysIn(pems: string): KeyObject[] {
  return [...pemText(pems).matchAll(PEM_BLOCK)].map(([block, label]) =>
    label.includes('PRIVATE') ? createPublicKey(createPrivateKey(block)) : createPublicKey(block),
  );
}

/** The public JWKs of keys given as PEM (private or public); throws for any key that is not a session key. */
export function publishedJwks(pems: string): PublicJwk[] {
  const keys = publicKeysIn(pems);
  if (keys.length === 0 && pems.trim() !== '') throw new Error('no PEM key found');
  return keys.map(publicJwk);
}

/**
 * Auth's keys: it signs with `current` (a PEM private key: RSA of at least 2048 bits, tokens RS256, or
 * Ed25519, tokens EdDSA) and publishes it together with every key in `previous` (PEM blocks, private or
 * public, of either kind), so tokens signed before a rotation stay valid, an Ed25519 key's included after
 * a move to RSA. Either may also be given base64-encoded on one line.
 */
export function loadSigningKeys(current: string, previous = ''): { signing: SigningKey; jwks: Jwks } {
  const privateKey = createPrivateKey(pemText(current));
  const currentJwk = publicJwk(createPublicKey(privateKey));
  const keys = [currentJwk];
  for (const jwk of publishedJwks(previous)) if (!keys.some((k) => k.kid === jwk.kid)) keys.push(jwk);
  return { signing: { kid: currentJwk.kid, privateKey }, jwks: { keys } };
}

/** The public key of one JWKS entry, if it is a session key (RSA of at least 2048 bits, or Ed25519). */
function publicKeyOf(jwk: Record<string, unknown>): KeyObject | undefined {
  if (jwk.kty === 'RSA' && typeof jwk.n === 'string' && typeof jwk.e === 'string')
    return createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string')
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  return undefined;
}

/**
 * The usable keys of a JWKS document: RSA of at least 2048 bits and Ed25519, each filed under its own
 * thumbprint, whatever else it lists. An entry that names another algorithm or use than its key's is
 * ignored too.
 */
export function keysFromJwks(jwks: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const list = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(list)) return keys;
  for (const jwk of list) {
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kid !== 'string') continue;
    try {
      const key = publicKeyOf(jwk);
      if (!key || !sessionAlgorithmOf(key)) continue;
      const published = publicJwk(key);
      if (jwk.alg !== undefined && jwk.alg !== published.alg) continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      // The kid must be the key's own thumbprint: a document cannot file one key under another's name.
      if (published.kid === jwk.kid) keys.set(jwk.kid, key);
    } catch {
      // not a key
    }
  }
  return keys;
}

export function localKeys(jwks: Jwks): KeySource {
  const keys = keysFromJwks(jwks);
  return { key: (kid) => keys.get(kid) };
}

export interface RemoteKeysOptions {
  url: string;
  logger: Logger;
  /** At most one fetch this often for kids not known yet (a forged kid must not make us hammer auth). */
  refetchIntervalMs?: number;
  fetchTimeoutMs?: number;
}

/**
 * The public keys from auth's JWKS URL, fetched on first use and again when a token names a kid we do
 * not know (auth rotated), at most once per refetch interval. A failed fetch keeps the keys we have.
 * A process that has no keys yet because auth cannot be reached answers 503 rather than "Not signed in":
 * the session may well be valid (auth restarting while this replica starts).
 */
export function remoteKeys({
  url,
  logger,
  refetchIntervalMs = 10_000,
  fetchTimeoutMs = 3_000,
}: RemoteKeysOptions): KeySource {
  let keys = new Map<string, KeyObject>();
  let lastFetchMs = -Infinity;
  let authReachable = true;
  let inFlight: Promise<void> | undefined;
  const refetch = () =>
    (inFlight ??= (async () => {
      lastFetchMs = Date.now();
      try {
        authReachable = false;
        const res = await fetch(url, { signal: AbortSignal.timeout(fetchTimeoutMs) });
        if (!res.ok) throw new Error(`JWKS answered ${res.status}`);
        authReachable = true;
        const fetched = keysFromJwks(await res.json());
        if (fetched.size === 0) throw new Error('JWKS lists no usable session key');
        keys = fetched;
      } catch (err) {
        logger.warn({ err, url }, 'could not fetch the session keys; keeping the ones we have');
      } finally {
        inFlight = undefined;
      }
    })());
  return {
    async key(kid) {
      const known = keys.get(kid);
      if (known) return known;
      if (inFlight) await inFlight;
      // With no keys at all (auth was not up yet) every token fails, so ask again sooner.
      else if (Date.now() - lastFetchMs >= (keys.size ? refetchIntervalMs : 1_000)) await refetch();
      if (keys.size === 0 && !authReachable) throw new ServiceUnavailableError();
      return keys.get(kid);
    },
  };
}

import type { Bus } from '../bus/bus';
import type { Logger } from '../logger';
import { sessionVerifier, type SessionVerifier } from './session';
import { remoteKeys } from './session-keys';

/**
 * Session ids signed out, each kept until no token of it can be valid any more (revocation time plus
 * the maximum token age: every token of the session was issued before it was revoked).
 */
export class RevokedSessions {
  private readonly forgetAt = new Map<string, number>();

  constructor(private readonly maxAgeSeconds: number) {}

  revoke(sessionIds: readonly string[], revokedAtMs: number): void {
    const now = Date.now();
    for (const [id, at] of this.forgetAt) if (at <= now) this.forgetAt.delete(id);
    const until = revokedAtMs + this.maxAgeSeconds * 1000;
    for (const id of sessionIds) this.forgetAt.set(id, Math.max(until, this.forgetAt.get(id) ?? 0));
  }

  has(sessionId: string): boolean {
    return this.forgetAt.has(sessionId);
  }
}

/** Revocations from the bus, replayed from one maximum token age ago before this resolves. */
export async function followRevokedSessions(bus: Pick<Bus, 'follow'>, maxAgeSeconds: number): Promise<RevokedSessions> {
  const revoked = new RevokedSessions(maxAgeSeconds);
  await bus.follow('user.session-revoked', new Date(Date.now() - maxAgeSeconds * 1000), (data, envelope) =>
    revoked.revoke(data.sessionIds, Date.parse(envelope.occurredAt)),
  );
  return revoked;
}

export interface FollowSessionsOptions {
  bus: Pick<Bus, 'follow'>;
  /** AUTH_JWKS_URL: auth's GET /api/users/.well-known/jwks.json. */
  jwksUrl: string;
  /** SESSION_TTL_SECONDS, the same as auth's. */
  maxAgeSeconds: number;
  logger: Logger;
}

/** How a service other than auth checks sessions: auth's published keys and the revocations on the bus. */
export async function followSessions({
  bus,
  jwksUrl,
  maxAgeSeconds,
  logger,
}: FollowSessionsOptions): Promise<SessionVerifier> {
  const revoked = await followRevokedSessions(bus, maxAgeSeconds);
  return sessionVerifier({
    keys: remoteKeys({ url: jwksUrl, logger }),
    maxAgeSeconds,
    isRevoked: (session) => revoked.has(session.sessionId),
  });
}

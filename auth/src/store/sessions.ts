import { recordEvent, type Pool, type PoolClient } from '@microtick/common';

export const CREATE_SESSION = `
  WITH expired AS (DELETE FROM sessions WHERE user_id = $1 AND expires_at < now())
  INSERT INTO sessions (user_id, expires_at) VALUES ($1, now() + make_interval(secs => $2)) RETURNING id`;

/** Opens a session row for a sign-in, and forgets the user's sessions that have expired. */
export async function createSession(pool: Pool, userId: string, ttlSeconds: number): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(CREATE_SESSION, [userId, ttlSeconds]);
  return rows[0].id;
}

/** Live: not revoked, not expired, and its user exists (the row goes with the user). */
export async function isLiveSession(pool: Pool, sessionId: string, userId: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    'SELECT 1 FROM sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()',
    [sessionId, userId],
  );
  return rowCount === 1;
}

const REVOKED_PER_EVENT = 1000;

/**
 * Revokes sessions of a user inside the caller's transaction and records user.session-revoked for the
 * other services: `only` one session, or every live one except `except`.
 */
export async function revokeSessions(
  client: PoolClient,
  userId: string,
  which: { only: string } | { except: string | undefined },
): Promise<string[]> {
  const { rows } =
    'only' in which
      ? await client.query<{ id: string }>(
          'UPDATE sessions SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id',
          [which.only, userId],
        )
      : await client.query<{ id: string }>(
          `UPDATE sessions SET revoked_at = now()
           WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() AND id IS DISTINCT FROM $2 RETURNING id`,
          [userId, which.except ?? null],
        );
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += REVOKED_PER_EVENT) {
    await recordEvent(client, 'user.session-revoked', { userId, sessionIds: ids.slice(i, i + REVOKED_PER_EVENT) });
  }
  return ids;
}

import { createHash, randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from '@microtick/common';

export const RESET_TTL_SECONDS = 30 * 60;

const hashOf = (token: string) => createHash('sha256').update(token).digest();

/**
 * A new single-use reset token for the user: 256 random bits, of which only the hash is stored. Links
 * asked for earlier and not used are dropped, so only the newest email works.
 */
export async function createResetToken(pool: Pool, userId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await pool.query(
    `WITH dropped AS (DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL)
     INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($2, $1, now() + make_interval(secs => $3))`,
    [userId, hashOf(token), RESET_TTL_SECONDS],
  );
  return token;
}

/** The user a token resets, while it is unused and unexpired. */
export async function findResetUser(pool: Pool, token: string): Promise<{ id: string; email: string } | undefined> {
  const { rows } = await pool.query<{ id: string; email: string }>(
    `SELECT u.id, u.email FROM password_resets r JOIN users u ON u.id = r.user_id
     WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now()`,
    [hashOf(token)],
  );
  return rows[0];
}

/**
 * Marks the token used inside the caller's transaction; false when it was used (or expired) meanwhile,
 * so of two concurrent confirmations exactly one goes through.
 */
export async function useResetToken(client: PoolClient, token: string, userId: string): Promise<boolean> {
  const { rowCount } = await client.query(
    `UPDATE password_resets SET used_at = now()
     WHERE token_hash = $1 AND user_id = $2 AND used_at IS NULL AND expires_at > now()`,
    [hashOf(token), userId],
  );
  return rowCount === 1;
}

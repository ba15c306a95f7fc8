import { isUniqueViolation, recordEvent, withTransaction, type Pool, type PoolClient } from '@microtick/common';

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
}

export class EmailInUse extends Error {}

/**
 * Creates the user and records user.created in the same transaction, so the services that keep an
 * address book (notifications) learn of every user that exists, and of none that does not.
 */
export async function insertUser(
  pool: Pool,
  email: string,
  passwordHash: string,
): Promise<{ id: string; email: string }> {
  try {
    return await withTransaction(pool, async (client) => {
      const { rows } = await client.query<{ id: string; email: string }>(
        'INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id, email',
        [email, passwordHash],
      );
      await recordEvent(client, 'user.created', { id: rows[0].id, email: rows[0].email, version: 0 });
      return rows[0];
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new EmailInUse();
    throw err;
  }
}

export async function findUserByEmail(pool: Pool, email: string): Promise<UserRow | undefined> {
  const { rows } = await pool.query<UserRow>('SELECT id, email, password_hash FROM users WHERE email = $1', [email]);
  return rows[0];
}

export async function findUserById(pool: Pool, id: string): Promise<UserRow | undefined> {
  const { rows } = await pool.query<UserRow>('SELECT id, email, password_hash FROM users WHERE id = $1', [id]);
  return rows[0];
}

export async function setPasswordHash(client: PoolClient, id: string, passwordHash: string): Promise<void> {
  await client.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
}

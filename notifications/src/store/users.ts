import type { EventData, Pool } from '@microtick/common';

/** Adds a user to the address book; a repeat changes nothing (a user is created once, at version 0). */
export async function addUser(pool: Pool, user: EventData<'user.created'>): Promise<void> {
  await pool.query('INSERT INTO users (id, email) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [user.id, user.email]);
}

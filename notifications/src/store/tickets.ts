import type { EventData, Pool } from '@microtick/common';

/**
 * Keeps what the emails say about a ticket: the newest version seen wins. Versions may be skipped (a
 * title is all the emails need), so this replica does not wait for each one in turn.
 */
export async function keepTicket(pool: Pool, ticket: EventData<'ticket.created' | 'ticket.updated'>): Promise<void> {
  await pool.query(
    `INSERT INTO tickets (id, title, seller_id, venue, starts_at, seat, version) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET title = $2, seller_id = $3, venue = $4, starts_at = $5, seat = $6, version = $7
     WHERE tickets.version < $7`,
    [ticket.id, ticket.title, ticket.userId, ticket.venue, ticket.startsAt, ticket.seat, ticket.version],
  );
}

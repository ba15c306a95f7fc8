import type { EventData, Pool } from '@microtick/common';

/**
 * Keeps what the emails say about a ticket: the newest version seen wins. Versions may be skipped (a
 * title is all the emails need), so this replica does not wait for each one in turn. A version that changes
 * none of it (a reservation, a sale: most ticket.updated) writes nothing, so it costs no WAL and no flush;
 * the stored version then stays older, which an older event still cannot overwrite with other words, as
 * it carries an older version too.
 */
export async function keepTicket(pool: Pool, ticket: EventData<'ticket.created' | 'ticket.updated'>): Promise<void> {
  await pool.query(
    `INSERT INTO tickets (id, title, seller_id, venue, starts_at, seat, version) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET title = $2, seller_id = $3, venue = $4, starts_at = $5, seat = $6, version = $7
     WHERE tickets.version < $7
       AND (tickets.title, tickets.seller_id, tickets.venue, tickets.starts_at, tickets.seat)
         IS DISTINCT FROM ($2::text, $3::uuid, $4::text, $5::text, $6::text)`,
    [ticket.id, ticket.title, ticket.userId, ticket.venue, ticket.startsAt, ticket.seat, ticket.version],
  );
}

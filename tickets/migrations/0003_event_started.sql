-- An unsold ticket whose event has started stays `available` (the API has no other status for it) but has
-- left the list. The list's partial indexes kept every such ticket for ever, so a page in price order, or
-- a search matching past events, read through all of them. `event_started` is set when a ticket is
-- written with a start that has passed, and by the sweep (tickets/src/store/started-events.ts) for those
-- whose start passed while nobody wrote them; the list's indexes leave marked tickets out.
ALTER TABLE tickets ADD COLUMN event_started BOOLEAN NOT NULL DEFAULT false;
UPDATE tickets SET event_started = true WHERE starts_at <= now();

DROP INDEX tickets_available_newest;
CREATE INDEX tickets_available_newest ON tickets (created_at DESC, id DESC)
  WHERE status = 'available' AND NOT event_started;
DROP INDEX tickets_available_soonest;
CREATE INDEX tickets_available_soonest ON tickets (starts_at, id)
  WHERE status = 'available' AND NOT event_started;
DROP INDEX tickets_available_cheapest;
CREATE INDEX tickets_available_cheapest ON tickets (price_cents, id)
  WHERE status = 'available' AND NOT event_started;
DROP INDEX tickets_available_search_trgm;
CREATE INDEX tickets_available_search_trgm ON tickets USING gin (search_text gin_trgm_ops)
  WHERE status = 'available' AND NOT event_started;

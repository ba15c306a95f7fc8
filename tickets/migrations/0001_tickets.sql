-- Trigram index support for the title search (pg_trgm is a trusted extension from postgresql-contrib).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE tickets (
  id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  title       TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  price_cents INTEGER NOT NULL CHECK (price_cents > 0 AND price_cents <= 100000000),
  user_id     UUID NOT NULL,
  status      TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'reserved', 'sold')),
  -- The order holding the ticket: set while reserved and kept once sold.
  order_id    UUID,
  version     INTEGER NOT NULL DEFAULT 0,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  CHECK ((status = 'available') = (order_id IS NULL))
);

-- The public list: available tickets, newest first, keyset-paginated on (created_at, id).
CREATE INDEX tickets_available_newest ON tickets (created_at DESC, id DESC) WHERE status = 'available';
-- Title search (ILIKE '%q%') over available tickets.
CREATE INDEX tickets_available_title_trgm ON tickets USING gin (title gin_trgm_ops) WHERE status = 'available';
-- A seller's own tickets, newest first.
CREATE INDEX tickets_seller_newest ON tickets (user_id, created_at DESC, id DESC);

-- Orders whose cancellation has been seen. Events of different subjects can arrive out of order, so an
-- order.created that comes after its own cancellation must not reserve the ticket.
CREATE TABLE cancelled_orders (
  order_id     UUID PRIMARY KEY,
  cancelled_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

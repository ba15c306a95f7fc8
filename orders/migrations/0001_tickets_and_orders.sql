-- The local replica of tickets, built from ticket.created / ticket.updated (tickets owns the version).
CREATE TABLE tickets (
  id        UUID PRIMARY KEY,
  title     TEXT NOT NULL,
  price     INTEGER NOT NULL CHECK (price > 0), -- cents
  user_id   UUID NOT NULL,                     -- the seller
  version   INTEGER NOT NULL CHECK (version >= 0),
  status    TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'reserved', 'sold')),
  order_id  UUID
);

CREATE TABLE orders (
  id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       UUID NOT NULL,
  ticket_id     UUID NOT NULL REFERENCES tickets (id),
  -- The price the buyer agreed to, fixed at ordering time; the ticket may be re-priced after a cancel.
  ticket_price  INTEGER NOT NULL CHECK (ticket_price > 0),
  status        TEXT NOT NULL CHECK (status IN ('created', 'cancelled', 'complete')),
  expires_at    TIMESTAMPTZ NOT NULL,
  version       INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

-- At most one open or completed order per ticket: concurrent buyers get exactly one success.
CREATE UNIQUE INDEX orders_one_active_per_ticket ON orders (ticket_id) WHERE status IN ('created', 'complete');
CREATE INDEX orders_by_buyer_newest_first ON orders (user_id, created_at DESC);

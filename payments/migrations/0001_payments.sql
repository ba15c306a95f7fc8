-- The replica of orders, built from order.created / order.updated (orders owns them and their versions).
CREATE TABLE orders (
  id          UUID PRIMARY KEY,
  user_id     UUID NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('created', 'cancelled', 'complete')),
  price       INTEGER NOT NULL CHECK (price > 0),
  expires_at  TIMESTAMPTZ NOT NULL,
  version     INTEGER NOT NULL CHECK (version >= 0)
);

-- Charges that succeeded at the provider. A charge the order cannot keep (the order was cancelled, or
-- another charge already paid it) is recorded as refund_pending and refunded.
CREATE TABLE payments (
  id                   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id             UUID NOT NULL REFERENCES orders (id),
  provider_payment_id  TEXT NOT NULL UNIQUE,
  amount               INTEGER NOT NULL CHECK (amount > 0),
  currency             TEXT NOT NULL,
  status               TEXT NOT NULL CHECK (status IN ('succeeded', 'refund_pending', 'refunded')),
  provider_refund_id   TEXT,
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  refunded_at          TIMESTAMPTZ
);

-- At most one payment stands per order.
CREATE UNIQUE INDEX payments_one_succeeded_per_order ON payments (order_id) WHERE status = 'succeeded';
CREATE INDEX payments_refund_pending ON payments (order_id) WHERE status = 'refund_pending';

-- Stripe webhook events already handled: Stripe delivers at least once.
CREATE TABLE processed_stripe_events (
  id            TEXT PRIMARY KEY,
  type          TEXT NOT NULL,
  processed_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The address book: who each user is, learnt from user.created (auth owns users).
CREATE TABLE users (
  id     UUID PRIMARY KEY,
  email  TEXT NOT NULL
);

-- What the emails say about a ticket, from ticket.created/ticket.updated (tickets owns them).
CREATE TABLE tickets (
  id         UUID PRIMARY KEY,
  title      TEXT NOT NULL,
  seller_id  UUID NOT NULL,
  venue      TEXT,
  -- ISO-8601 with the seller's offset, as the event carries it (shown at the venue's wall-clock time).
  starts_at  TEXT,
  seat       TEXT,
  version    INTEGER NOT NULL
);

-- The orders this service knows, from order.created/order.updated (orders owns them).
CREATE TABLE orders (
  id             UUID PRIMARY KEY,
  buyer_id       UUID NOT NULL,
  ticket_id      UUID NOT NULL,
  -- Null on order.created events recorded before they carried the seller: the ticket's seller then.
  seller_id      UUID,
  price_cents    INTEGER NOT NULL CHECK (price_cents > 0),
  expires_at     TIMESTAMPTZ NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('created', 'cancelled', 'complete')),
  cancel_reason  TEXT CHECK (cancel_reason IN ('buyer', 'expired')),
  version        INTEGER NOT NULL,
  -- When the order was cancelled or completed (the order.updated's occurredAt).
  closed_at      TIMESTAMPTZ
);
CREATE INDEX orders_by_buyer ON orders (buyer_id);
CREATE INDEX orders_by_seller ON orders (seller_id);

-- Payments, from payment.created (payments owns them): the receipt shows what was charged.
CREATE TABLE payments (
  id            UUID PRIMARY KEY,
  order_id      UUID NOT NULL,
  amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
  paid_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX payments_by_order ON payments (order_id);

-- The sent-log: one row per email sent, committed in the transaction that sent it. Its key is what
-- makes each email go out once, whatever the redeliveries (docs/decisions.md, "Each email once").
CREATE TABLE sent_emails (
  kind          TEXT NOT NULL CHECK (kind IN ('receipt', 'sold', 'hold-expired')),
  order_id      UUID NOT NULL,
  recipient_id  UUID NOT NULL,
  sent_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, order_id)
);

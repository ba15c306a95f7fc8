-- What a completed order earns its seller: the share (price minus the platform fee) and the fee, in
-- cents. Recorded `pending` in the transaction that applies order.updated complete; the payout worker
-- transfers it (idempotency key transfer-<id>) once the seller's account is active, and reverses it
-- (reversal-<id>) when the order's payment is refunded. See docs/decisions.md, "Sellers get paid".
CREATE TABLE earnings (
  id                     UUID PRIMARY KEY,
  order_id               UUID NOT NULL UNIQUE REFERENCES orders (id),
  -- Null only for an order whose order.created predates sellerId: it stays pending with that reason.
  seller_id              UUID,
  ticket_id              UUID,
  -- The charge the transfer is funded from (source_transaction); null if none stands (pending, reason).
  payment_id             UUID REFERENCES payments (id),
  share_cents            INTEGER NOT NULL CHECK (share_cents >= 0),
  fee_cents              INTEGER NOT NULL CHECK (fee_cents >= 0),
  currency               TEXT NOT NULL,
  status                 TEXT NOT NULL CHECK (status IN ('pending', 'transferred', 'reversed')) DEFAULT 'pending',
  -- Why a pending earning is not transferred yet (always set while pending).
  pending_reason         TEXT,
  provider_transfer_id   TEXT UNIQUE,
  provider_reversal_id   TEXT UNIQUE,
  -- Set (committed) before the first transfer call: without it a refund reverses nothing at Stripe.
  transfer_attempted_at  TIMESTAMPTZ,
  attempts               INTEGER NOT NULL DEFAULT 0,
  -- The worker's lease and back-off: not picked up again before this.
  next_attempt_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_error             TEXT,
  created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
  transferred_at         TIMESTAMPTZ,
  reversed_at            TIMESTAMPTZ,
  CHECK (status <> 'pending' OR pending_reason IS NOT NULL),
  CHECK (status <> 'transferred' OR provider_transfer_id IS NOT NULL)
);

CREATE INDEX earnings_by_seller ON earnings (seller_id, created_at);
CREATE INDEX earnings_pending ON earnings (next_attempt_at) WHERE status = 'pending';
CREATE INDEX earnings_by_payment ON earnings (payment_id);
-- The worker finds refunded charges whose earning must be reversed: few rows, next to all the succeeded.
CREATE INDEX payments_not_standing ON payments (id) WHERE status <> 'succeeded';

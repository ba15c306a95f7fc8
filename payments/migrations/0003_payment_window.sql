-- The payment window's one judge: payments closes it (on expiration.complete) under the replica row's
-- lock, and a charge is started and recorded only while it is open. See docs/decisions.md.
ALTER TABLE orders
  ADD COLUMN window_closed_at   TIMESTAMPTZ,
  -- Charge requests between "checked and marked" and "recorded or failed": the window waits for them.
  ADD COLUMN charges_in_flight  INTEGER NOT NULL DEFAULT 0 CHECK (charges_in_flight >= 0),
  ADD COLUMN charge_started_at  TIMESTAMPTZ;

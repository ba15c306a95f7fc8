-- The replica keeps when a ticket's event starts (null when the seller gave none): an order for an event
-- that has started is refused. A withdrawn ticket (the fourth status) cannot be ordered.
ALTER TABLE tickets ADD COLUMN starts_at TIMESTAMPTZ;
ALTER TABLE tickets DROP CONSTRAINT tickets_status_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_status_check
  CHECK (status IN ('available', 'reserved', 'sold', 'withdrawn'));

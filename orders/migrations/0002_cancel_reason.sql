-- Why a cancelled order was cancelled, so buyers see "Expired" rather than "Cancelled" for a missed window.
ALTER TABLE orders ADD COLUMN cancel_reason TEXT CHECK (cancel_reason IN ('buyer', 'expired'));
ALTER TABLE orders ADD CONSTRAINT orders_cancel_reason_only_when_cancelled
  CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL)) NOT VALID;

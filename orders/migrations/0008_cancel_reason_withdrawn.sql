-- An order placed while its seller withdrew the ticket is cancelled with a reason of its own.
ALTER TABLE orders DROP CONSTRAINT orders_cancel_reason_check,
  ADD CONSTRAINT orders_cancel_reason_check CHECK (cancel_reason IN ('buyer', 'expired', 'withdrawn'));

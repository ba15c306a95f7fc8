-- Orders now also cancels an order whose ticket its seller withdrew while it was being placed.
ALTER TABLE orders DROP CONSTRAINT orders_cancel_reason_check,
  ADD CONSTRAINT orders_cancel_reason_check CHECK (cancel_reason IN ('buyer', 'expired', 'withdrawn'));

-- A buyer's cancel is decided by payments, the payment window's one judge, as an expiry is: the request is
-- recorded here (and order.cancellation-requested published with it), and the order is cancelled when
-- payments closes the window for it (payment.window-closed, reason buyer).
ALTER TABLE orders ADD COLUMN cancel_requested_at TIMESTAMPTZ;

-- The payment window also closes when its buyer asks to cancel (order.cancellation-requested), not only when
-- it ends: a payment refused after that close is told the order was cancelled, not that it expired.
ALTER TABLE orders ADD COLUMN window_closed_by_buyer BOOLEAN NOT NULL DEFAULT false;

-- Bounded holds: how many open (created) orders each buyer has, kept in the same statements that place
-- and close orders. hold_cap is MAX_OPEN_ORDERS_PER_BUYER as of the buyer's last placement, so the CHECK
-- refuses the order that would exceed it even when concurrent placements race (each waits for the row).
CREATE TABLE buyer_holds (
  user_id      UUID PRIMARY KEY,
  open_orders  INTEGER NOT NULL CHECK (open_orders >= 0),
  hold_cap     INTEGER NOT NULL,
  CONSTRAINT buyer_holds_within_cap CHECK (open_orders <= hold_cap)
);
INSERT INTO buyer_holds (user_id, open_orders, hold_cap)
  SELECT user_id, count(*), count(*) FROM orders WHERE status = 'created' GROUP BY user_id;

-- When the order stopped being open: a buyer cannot re-order a ticket they let go for a cool-down.
ALTER TABLE orders ADD COLUMN closed_at TIMESTAMPTZ;
CREATE INDEX orders_cancelled_by_buyer_and_ticket ON orders (user_id, ticket_id, closed_at) WHERE status = 'cancelled';

-- The title the buyer ordered, fixed at ordering time like the price: a seller's edit that raced the
-- order does not change what the order shows.
ALTER TABLE orders ADD COLUMN ticket_title TEXT;
UPDATE orders o SET ticket_title = t.title FROM tickets t WHERE t.id = o.ticket_id;
ALTER TABLE orders ALTER COLUMN ticket_title SET NOT NULL;

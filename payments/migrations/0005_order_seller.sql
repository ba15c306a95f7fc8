-- Whom to pay: order.created's ticket carries the seller (null on events recorded before it did, so
-- orders already in the replica have none) and the ticket, shown with the seller's earnings.
ALTER TABLE orders
  ADD COLUMN seller_id  UUID,
  ADD COLUMN ticket_id  UUID;

-- Orders show the event they are for (the receipt, "My orders"). The replica also keeps the venue, and the
-- start as the seller wrote it, with their offset (starts_at keeps only the instant; starts recorded before
-- this are given in UTC). Like its title and price, an order keeps the event as it was when it was placed.
ALTER TABLE tickets ADD COLUMN venue TEXT, ADD COLUMN starts_at_given TEXT;
UPDATE tickets SET starts_at_given = to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
WHERE starts_at IS NOT NULL;
ALTER TABLE orders ADD COLUMN ticket_venue TEXT, ADD COLUMN ticket_starts_at TEXT;
UPDATE orders o SET ticket_starts_at = t.starts_at_given FROM tickets t WHERE t.id = o.ticket_id;

-- Money inside the system is integer cents, and its names say so (the API shows decimals; the bus
-- keeps its `price` field, cents by the catalog's definition). Renamed, not recreated: no data moves.
ALTER TABLE tickets RENAME COLUMN price TO price_cents;
ALTER TABLE orders RENAME COLUMN ticket_price TO ticket_price_cents;

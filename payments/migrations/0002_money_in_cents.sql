-- Money inside the system is integer cents, and its names say so (the API shows decimals; the bus
-- keeps its `price` and `amount` fields, cents by the catalog's definition). Renamed, not recreated.
ALTER TABLE orders RENAME COLUMN price TO price_cents;
ALTER TABLE payments RENAME COLUMN amount TO amount_cents;

-- A charge starts only once tickets has reserved the order's ticket for it (ticket.updated): a seller's
-- withdrawal that won the race at tickets leaves the order unpayable. Orders already in the replica were
-- placed under the old rule and stay payable. See docs/decisions.md.
ALTER TABLE orders ADD COLUMN ticket_held BOOLEAN NOT NULL DEFAULT false;
UPDATE orders SET ticket_held = true;

-- The payout worker's reversal claim (every second, per replica) used to start from every payment that
-- had ever left `succeeded` and look up its earning: work that grew with every refund the marketplace had
-- ever made. An earning is now marked where its payment leaves `succeeded`, and only marked earnings not
-- yet reversed are in the index the claim reads. See docs/decisions.md, "Sellers get paid".
ALTER TABLE earnings ADD COLUMN charge_refunded BOOLEAN NOT NULL DEFAULT false;

UPDATE earnings e SET charge_refunded = true
FROM payments p WHERE p.id = e.payment_id AND p.status <> 'succeeded';

CREATE INDEX earnings_to_reverse ON earnings (next_attempt_at)
  WHERE charge_refunded AND status IN ('pending', 'transferred');

DROP INDEX payments_not_standing;

-- A seller's Stripe Connect Express account. `active` once Stripe says it can receive transfers
-- (account.updated, or the sandbox's onboarding page); `pending` from creation until then.
CREATE TABLE payout_accounts (
  user_id              UUID PRIMARY KEY,
  provider_account_id  TEXT NOT NULL UNIQUE,
  status               TEXT NOT NULL CHECK (status IN ('pending', 'active')) DEFAULT 'pending',
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

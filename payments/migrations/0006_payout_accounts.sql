-- A seller's Stripe Connect Express account. `active` once Stripe says it can receive transfers
-- (account.updated, or the sandbox's onboarding page); `pending` from creation until then.
CREATE TABLE payout_accounts (
  user_id              UUID PRIMARY KEY,
  provider_account_id  TEXT NOT NULL UNIQUE,
  status               TEXT NOT NULL CHECK (status IN ('pending', 'active')) DEFAULT 'pending',
  -- When the provider reported that status (the event's creation): an older account.updated delivered
  -- late never overwrites a newer one.
  status_as_of         TIMESTAMPTZ,
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

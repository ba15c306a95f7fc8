-- One row per emailed reset link. Only the SHA-256 of the link's token is kept: a copy of this table
-- cannot reset anyone's password. A row is used once (used_at) and is good for 30 minutes.
CREATE TABLE password_resets (
  token_hash  BYTEA PRIMARY KEY,
  user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at  TIMESTAMPTZ NOT NULL,
  used_at     TIMESTAMPTZ
);

CREATE INDEX password_resets_by_user ON password_resets (user_id);

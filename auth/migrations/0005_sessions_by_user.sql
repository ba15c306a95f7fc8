-- Every sign-in forgets the user's expired sessions (createSession), revoked ones included, which the
-- partial index of live sessions cannot find: without this index that DELETE read every session row.
CREATE INDEX sessions_by_user ON sessions (user_id, expires_at);

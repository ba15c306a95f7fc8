-- Users who signed up before auth published user.created: one user.created each, recorded in the
-- outbox, so the relay publishes them and the notifications service's address book knows everyone.
-- The event id is the user's id (a user is created once), so the row is never recorded twice.
INSERT INTO outbox (id, subject, envelope)
SELECT u.id, 'user.created', jsonb_build_object(
  'id', u.id,
  'subject', 'user.created',
  'occurredAt', to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'data', jsonb_build_object('id', u.id, 'email', u.email, 'version', 0))
FROM users u
ON CONFLICT (id) DO NOTHING;

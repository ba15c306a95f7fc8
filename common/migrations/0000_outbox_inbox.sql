-- Shared by every service that publishes or consumes events (applied before the service's own).
CREATE TABLE IF NOT EXISTS outbox (
  seq         BIGSERIAL PRIMARY KEY,
  id          UUID NOT NULL UNIQUE,
  subject     TEXT NOT NULL,
  envelope    JSONB NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Events this service has already applied, per consumer: a redelivery is recognised and dropped.
CREATE TABLE IF NOT EXISTS processed_events (
  consumer     TEXT NOT NULL,
  event_id     UUID NOT NULL,
  processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

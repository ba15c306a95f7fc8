-- Listings belong to an event: where (venue), when (starts_at, plus the offset the seller gave, so the
-- time reads back as they wrote it) and which seat. All optional: tickets listed before have none.
ALTER TABLE tickets
  ADD COLUMN venue TEXT CHECK (char_length(venue) BETWEEN 1 AND 120),
  ADD COLUMN starts_at TIMESTAMPTZ,
  ADD COLUMN starts_at_offset_minutes SMALLINT CHECK (starts_at_offset_minutes BETWEEN -1080 AND 1080),
  ADD COLUMN seat TEXT CHECK (char_length(seat) BETWEEN 1 AND 60),
  ADD CONSTRAINT tickets_starts_at_with_offset CHECK ((starts_at IS NULL) = (starts_at_offset_minutes IS NULL));

-- A fourth status: the seller withdrew the listing. Like an available ticket, no order holds it.
ALTER TABLE tickets DROP CONSTRAINT tickets_status_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_status_check
  CHECK (status IN ('available', 'reserved', 'sold', 'withdrawn'));
ALTER TABLE tickets DROP CONSTRAINT tickets_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_order_only_when_held
  CHECK ((status IN ('available', 'withdrawn')) = (order_id IS NULL));

-- Search is accent- and case-insensitive over title and venue. unaccent() is only STABLE (its dictionary
-- can change), so an IMMUTABLE wrapper naming the dictionary lets a generated column and an index use it.
-- The newline between the two cannot occur in a search (control characters are refused), so a search
-- never matches across the end of the title and the start of the venue.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE FUNCTION fold_for_search(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
ALTER TABLE tickets
  ADD COLUMN search_text TEXT GENERATED ALWAYS AS (fold_for_search(title || E'\n' || coalesce(venue, ''))) STORED;
DROP INDEX tickets_available_title_trgm;
CREATE INDEX tickets_available_search_trgm ON tickets USING gin (search_text gin_trgm_ops) WHERE status = 'available';

-- The other orders of the public list.
CREATE INDEX tickets_available_soonest ON tickets (starts_at, id) WHERE status = 'available';
CREATE INDEX tickets_available_cheapest ON tickets (price_cents, id) WHERE status = 'available';

-- The sent-log is read by order (what was sent about this order?) before each email: its key starts with
-- the order, so that read is an index lookup instead of a pass over every email ever sent.
ALTER TABLE sent_emails DROP CONSTRAINT sent_emails_pkey, ADD PRIMARY KEY (order_id, kind);

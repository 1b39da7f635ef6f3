-- Version 3: outbox claims (docs/northbound.md, "Several nodes on one database"). A relay claims the rows it publishes
-- by setting claimed_until (its lease) in a short transaction that skips rows another relay holds locked, so each row
-- is published by one relay at a time; a claim whose relay died lapses at claimed_until and another relay takes the
-- row over. A row that was not delivered (unroutable, refused) is given back with claimed_until as its next attempt's
-- earliest time and attempts counted for its back-off.

ALTER TABLE outbox ADD COLUMN claimed_until timestamptz;
ALTER TABLE outbox ADD COLUMN attempts integer NOT NULL DEFAULT 0;

-- Version 3: outbox claims (docs/northbound.md, "Several nodes on one database"). A relay claims the rows it publishes
-- by setting claimed_until (its lease, microseconds since the Unix epoch); a claim whose relay died lapses at
-- claimed_until. A row that was not delivered (unroutable, refused) is given back with claimed_until as its next
-- attempt's earliest time and attempts counted for its back-off. SQLite is one node's database: its single writer
-- serialises the claims of the relays of that node.

ALTER TABLE outbox ADD COLUMN claimed_until INTEGER;
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;

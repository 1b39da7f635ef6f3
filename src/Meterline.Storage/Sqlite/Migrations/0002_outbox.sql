-- Version 2: the northbound outbox (docs/northbound.md). Rows are added in the same transaction as the data they
-- describe and deleted once the broker confirmed them. AUTOINCREMENT: a sequence is never used twice.

CREATE TABLE outbox (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    type TEXT NOT NULL,
    routing_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
);

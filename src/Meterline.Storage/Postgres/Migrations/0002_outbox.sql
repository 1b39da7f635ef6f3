-- Version 2: the northbound outbox (docs/northbound.md). Rows are added in the same transaction as the data they
-- describe and deleted once the broker confirmed them.

CREATE TABLE outbox (
    sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id text NOT NULL,
    type text NOT NULL,
    routing_key text NOT NULL,
    created_at timestamptz NOT NULL,
    body text NOT NULL
);

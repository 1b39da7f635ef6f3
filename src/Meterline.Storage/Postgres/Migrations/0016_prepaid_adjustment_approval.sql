-- Prepaid adjustments above the approval threshold wait for a second admin (lead: renumber to follow the other
-- parts' migrations at merge; docs/prepaid.md "Adjustments and dual control"). A request is decided once (a
-- compare-and-set on its state); once applied it names its ledger entry.

CREATE TABLE prepaid_adjustment_requests (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consumer text NOT NULL REFERENCES prepaid_accounts (consumer),
    amount numeric(20, 2) NOT NULL,
    reason text NOT NULL,
    idempotency_key text NOT NULL,
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    state integer NOT NULL,
    decided_by text,
    decided_at timestamptz,
    ledger_sequence bigint,
    UNIQUE (consumer, idempotency_key)
);

CREATE INDEX prepaid_adjustment_requests_state ON prepaid_adjustment_requests (state, id);

-- Prepaid adjustments above the approval threshold wait for a second admin (lead: renumber to follow the other
-- parts' migrations at merge; docs/prepaid.md "Adjustments and dual control"). A request is decided once (a
-- compare-and-set on its state); once applied it names its ledger entry. Amounts are decimal text.

CREATE TABLE prepaid_adjustment_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consumer TEXT NOT NULL REFERENCES prepaid_accounts (consumer),
    amount TEXT NOT NULL,
    reason TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state INTEGER NOT NULL,
    decided_by TEXT,
    decided_at INTEGER,
    ledger_sequence INTEGER,
    UNIQUE (consumer, idempotency_key)
);

CREATE INDEX prepaid_adjustment_requests_state ON prepaid_adjustment_requests (state, id);

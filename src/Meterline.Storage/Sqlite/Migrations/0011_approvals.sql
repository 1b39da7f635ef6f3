-- Approvals (lead: renumber to follow the other parts' migrations at merge): bulk commands that wait for a second
-- operator (docs/commands.md, "Bulk commands and approval"). meters is the distinct meter ids, comma-separated, in
-- id order. AUTOINCREMENT: a request id is never used twice.

CREATE TABLE command_approvals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind INTEGER NOT NULL,
    meters TEXT NOT NULL,
    meter_count INTEGER NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state INTEGER NOT NULL,
    note TEXT,
    decided_by TEXT,
    decided_at INTEGER,
    decision_note TEXT,
    created INTEGER NOT NULL DEFAULT 0,
    refused INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX command_approvals_state ON command_approvals (state, id);

-- Approvals (lead: renumber to follow the other parts' migrations at merge): bulk commands that wait for a second
-- operator (docs/commands.md, "Bulk commands and approval"). meters is the distinct meter ids, comma-separated, in
-- id order.

CREATE TABLE command_approvals (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind integer NOT NULL,
    meters text NOT NULL,
    meter_count integer NOT NULL,
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    state integer NOT NULL,
    note text,
    decided_by text,
    decided_at timestamptz,
    decision_note text,
    created integer NOT NULL DEFAULT 0,
    refused integer NOT NULL DEFAULT 0
);
CREATE INDEX command_approvals_state ON command_approvals (state, id);

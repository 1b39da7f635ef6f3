-- Version 3 (lead: renumber to follow the other parts' migrations at merge): analytics alerts (docs/analytics.md)
-- and the meter that measures each transformer's total (energy balance). An open or acknowledged alert is unique per
-- meter and dedupe key; closed alerts stay as history. AUTOINCREMENT: an alert id is never used twice.

CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    meter INTEGER NOT NULL REFERENCES meters (id),
    rule TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    category TEXT NOT NULL,
    severity INTEGER NOT NULL,
    confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    summary TEXT NOT NULL,
    evidence TEXT NOT NULL,
    state INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    occurrences INTEGER NOT NULL,
    raised_at INTEGER NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at INTEGER,
    closed_by TEXT,
    closed_at INTEGER
);
CREATE UNIQUE INDEX alerts_live ON alerts (meter, dedupe_key) WHERE state <> 2;
CREATE INDEX alerts_key ON alerts (meter, dedupe_key, id);
CREATE INDEX alerts_state ON alerts (state, id);
CREATE INDEX alerts_rule ON alerts (rule, id);

CREATE TABLE transformer_meters (
    transformer_id TEXT PRIMARY KEY,
    meter INTEGER NOT NULL REFERENCES meters (id)
);

-- Outages (lead: renumber to follow the other parts' migrations at merge; docs/outages.md): one row per outage of a
-- meter's service, a transformer or a feeder, open until every affected meter is back. The affected meters (meter,
-- loss time, source, restoration time) are a JSON array in `meters`. AUTOINCREMENT: an outage id is never used twice.

CREATE TABLE outages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope INTEGER NOT NULL,
    scope_id TEXT NOT NULL,
    feeder_id TEXT,
    state INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    restored_at INTEGER,
    detected_at INTEGER NOT NULL,
    consumers INTEGER NOT NULL CHECK (consumers >= 1),
    alert_id INTEGER REFERENCES alerts (id),
    meters TEXT NOT NULL
);
CREATE INDEX outages_state ON outages (state, id);
CREATE INDEX outages_feeder ON outages (feeder_id, id);
CREATE INDEX outages_feeder_started ON outages (feeder_id, started_at);

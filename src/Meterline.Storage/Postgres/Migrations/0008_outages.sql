-- Outages (lead: renumber to follow the other parts' migrations at merge; docs/outages.md): one row per outage of a
-- meter's service, a transformer or a feeder, open until every affected meter is back. The affected meters (meter,
-- loss time, source, restoration time) are a JSON array in `meters`.

CREATE TABLE outages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope integer NOT NULL,
    scope_id text NOT NULL,
    feeder_id text,
    state integer NOT NULL,
    started_at timestamptz NOT NULL,
    restored_at timestamptz,
    detected_at timestamptz NOT NULL,
    consumers integer NOT NULL CHECK (consumers >= 1),
    alert_id bigint REFERENCES alerts (id),
    meters text NOT NULL
);
CREATE INDEX outages_state ON outages (state, id);
CREATE INDEX outages_feeder ON outages (feeder_id, id);
CREATE INDEX outages_feeder_started ON outages (feeder_id, started_at);

-- Version 3 (lead: renumber to follow the other parts' migrations at merge): analytics alerts (docs/analytics.md)
-- and the meter that measures each transformer's total (energy balance). An open or acknowledged alert is unique per
-- meter and dedupe key; closed alerts stay as history.

CREATE TABLE alerts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meter integer NOT NULL REFERENCES meters (id),
    rule text NOT NULL,
    dedupe_key text NOT NULL,
    category text NOT NULL,
    severity integer NOT NULL,
    confidence double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    summary text NOT NULL,
    evidence text NOT NULL,
    state integer NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    occurrences integer NOT NULL,
    raised_at timestamptz NOT NULL,
    acknowledged_by text,
    acknowledged_at timestamptz,
    closed_by text,
    closed_at timestamptz
);
CREATE UNIQUE INDEX alerts_live ON alerts (meter, dedupe_key) WHERE state <> 2;
CREATE INDEX alerts_key ON alerts (meter, dedupe_key, id);
CREATE INDEX alerts_state ON alerts (state, id);
CREATE INDEX alerts_rule ON alerts (rule, id);

CREATE TABLE transformer_meters (
    transformer_id text PRIMARY KEY,
    meter integer NOT NULL REFERENCES meters (id)
);

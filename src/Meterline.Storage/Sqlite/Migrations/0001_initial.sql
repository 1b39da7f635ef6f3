-- Meterline head-end schema, version 1 (SQLite). Times are whole microseconds since 1970-01-01 UTC.

CREATE TABLE meters (
    id INTEGER PRIMARY KEY,
    serial TEXT NOT NULL UNIQUE,
    system_title TEXT NOT NULL UNIQUE,
    profile_id TEXT NOT NULL,
    consumer_id TEXT,
    latitude REAL,
    longitude REAL,
    transformer_id TEXT,
    feeder_id TEXT,
    endpoint TEXT,
    security_level INTEGER NOT NULL,
    relay_state INTEGER NOT NULL,
    communication INTEGER NOT NULL,
    last_heard_at INTEGER,
    key_status INTEGER NOT NULL,
    key_generation INTEGER NOT NULL
);
CREATE INDEX meters_consumer ON meters (consumer_id);
CREATE INDEX meters_transformer ON meters (transformer_id);
CREATE INDEX meters_feeder ON meters (feeder_id);

CREATE TABLE meter_keys (
    meter INTEGER NOT NULL REFERENCES meters (id),
    kind INTEGER NOT NULL,
    generation INTEGER NOT NULL,
    provider_id TEXT NOT NULL,
    kek_id TEXT NOT NULL,
    blob BLOB NOT NULL,
    fingerprint BLOB NOT NULL,
    PRIMARY KEY (meter, kind, generation)
) WITHOUT ROWID;
CREATE INDEX meter_keys_fingerprint ON meter_keys (fingerprint);

-- Time first: ingest appends at the end of the b-tree whatever the number of meters (PERFORMANCE.md).
CREATE TABLE readings (
    time INTEGER NOT NULL,
    meter INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    value REAL NOT NULL,
    quality INTEGER NOT NULL,
    PRIMARY KEY (time, meter, quantity)
) WITHOUT ROWID;

-- The latest stored interval of each meter and quantity, kept by every write.
CREATE TABLE latest_readings (
    meter INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    time INTEGER NOT NULL,
    PRIMARY KEY (meter, quantity)
) WITHOUT ROWID;

CREATE TABLE billing_snapshots (
    meter INTEGER NOT NULL,
    captured_at INTEGER NOT NULL,
    maximum_demand_at INTEGER,
    quality INTEGER NOT NULL,
    PRIMARY KEY (meter, captured_at)
) WITHOUT ROWID;

CREATE TABLE billing_values (
    meter INTEGER NOT NULL,
    captured_at INTEGER NOT NULL,
    position INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (meter, captured_at, position),
    FOREIGN KEY (meter, captured_at) REFERENCES billing_snapshots (meter, captured_at)
) WITHOUT ROWID;

CREATE TABLE events (
    meter INTEGER NOT NULL,
    occurred_at INTEGER NOT NULL,
    code INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (meter, occurred_at, code)
) WITHOUT ROWID;
CREATE INDEX events_occurred_at ON events (occurred_at);

CREATE TABLE event_values (
    meter INTEGER NOT NULL,
    occurred_at INTEGER NOT NULL,
    code INTEGER NOT NULL,
    position INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (meter, occurred_at, code, position),
    FOREIGN KEY (meter, occurred_at, code) REFERENCES events (meter, occurred_at, code)
) WITHOUT ROWID;

CREATE TABLE push_counters (
    meter INTEGER PRIMARY KEY,
    counter INTEGER NOT NULL CHECK (counter BETWEEN 0 AND 4294967295)
);

CREATE TABLE outgoing_counters (
    meter INTEGER NOT NULL REFERENCES meters (id),
    generation INTEGER NOT NULL,
    next_value INTEGER NOT NULL CHECK (next_value BETWEEN 1 AND 4294967295),
    PRIMARY KEY (meter, generation)
) WITHOUT ROWID;

CREATE TABLE commands (
    id INTEGER PRIMARY KEY,
    meter INTEGER NOT NULL REFERENCES meters (id),
    kind INTEGER NOT NULL,
    parameters TEXT NOT NULL,
    state INTEGER NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    not_before INTEGER,
    deadline INTEGER NOT NULL,
    sent_at INTEGER,
    completed_at INTEGER,
    result TEXT,
    idempotency_key TEXT UNIQUE
);
CREATE INDEX commands_state ON commands (state, id);
CREATE INDEX commands_meter ON commands (meter, id);

CREATE TABLE audit (
    sequence INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    previous_hash BLOB NOT NULL,
    hash BLOB NOT NULL
);
CREATE INDEX audit_subject ON audit (subject, sequence);

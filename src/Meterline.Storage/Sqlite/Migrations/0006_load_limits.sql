-- Load limits (lead: renumber to follow the other parts' migrations at merge): group load limits and their members
-- (docs/demand-control.md), and the last confirmed Limiter settings per meter. A member has its command once fanned
-- out, or a rejection; neither while it waits. AUTOINCREMENT: a limit id is never used twice.

CREATE TABLE demand_limits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target_kind INTEGER NOT NULL,
    target TEXT NOT NULL,
    parameters TEXT NOT NULL,
    actor TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    not_before INTEGER,
    members INTEGER NOT NULL
);

CREATE TABLE demand_limit_members (
    demand_limit INTEGER NOT NULL REFERENCES demand_limits (id),
    meter INTEGER NOT NULL REFERENCES meters (id),
    command INTEGER REFERENCES commands (id),
    rejection TEXT,
    PRIMARY KEY (demand_limit, meter)
);
CREATE INDEX demand_limit_members_pending ON demand_limit_members (demand_limit, meter) WHERE command IS NULL AND rejection IS NULL;

CREATE TABLE meter_limiters (
    meter INTEGER PRIMARY KEY REFERENCES meters (id),
    reading TEXT NOT NULL,
    confirmed_at INTEGER NOT NULL,
    command INTEGER NOT NULL REFERENCES commands (id)
);

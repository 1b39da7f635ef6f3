-- Load limits (lead: renumber to follow the other parts' migrations at merge): group load limits and their members
-- (docs/demand-control.md), and the last confirmed Limiter settings per meter. A member has its command once fanned
-- out, or a rejection; neither while it waits.

CREATE TABLE demand_limits (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target_kind integer NOT NULL,
    target text NOT NULL,
    parameters text NOT NULL,
    actor text NOT NULL,
    requested_at timestamptz NOT NULL,
    not_before timestamptz,
    members integer NOT NULL
);

CREATE TABLE demand_limit_members (
    demand_limit bigint NOT NULL REFERENCES demand_limits (id),
    meter integer NOT NULL REFERENCES meters (id),
    command bigint REFERENCES commands (id),
    rejection text,
    PRIMARY KEY (demand_limit, meter)
);
CREATE INDEX demand_limit_members_pending ON demand_limit_members (demand_limit, meter) WHERE command IS NULL AND rejection IS NULL;

CREATE TABLE meter_limiters (
    meter integer PRIMARY KEY REFERENCES meters (id),
    reading text NOT NULL,
    confirmed_at timestamptz NOT NULL,
    command bigint NOT NULL REFERENCES commands (id)
);

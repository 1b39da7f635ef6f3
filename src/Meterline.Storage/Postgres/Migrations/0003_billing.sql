-- Version 3: issued bills (docs/billing.md). A bill is inserted once and never updated; a re-issue is a new row with
-- the next revision. The document is the whole bill as issued (JSON); the other columns index and summarise it.

CREATE TABLE bills (
    number text PRIMARY KEY,
    meter integer NOT NULL REFERENCES meters (id),
    month text NOT NULL,
    revision integer NOT NULL CHECK (revision >= 1),
    issued_at timestamptz NOT NULL,
    total numeric(20, 2) NOT NULL,
    estimated boolean NOT NULL,
    document text NOT NULL,
    UNIQUE (meter, month, revision)
);

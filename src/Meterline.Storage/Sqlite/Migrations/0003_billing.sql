-- Version 3: issued bills (docs/billing.md). A bill is inserted once and never updated; a re-issue is a new row with
-- the next revision. The document is the whole bill as issued (JSON); the other columns index and summarise it.

CREATE TABLE bills (
    number TEXT PRIMARY KEY,
    meter INTEGER NOT NULL REFERENCES meters (id),
    month TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    issued_at INTEGER NOT NULL,
    total TEXT NOT NULL,
    estimated INTEGER NOT NULL,
    document TEXT NOT NULL,
    UNIQUE (meter, month, revision)
);

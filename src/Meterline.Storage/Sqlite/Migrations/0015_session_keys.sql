-- Session keys (lead: renumber to follow the other parts' migrations at merge): the ASP.NET Core Data Protection key
-- ring that protects browser session cookies, shared by every node on the database (docs/access.md, "Sessions on
-- several nodes"). One row per XML element, written once; the master key inside is encrypted (AES-256-GCM) under the
-- session key-encryption key each node reads from its --session-key-file, never stored here.

CREATE TABLE session_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    xml TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

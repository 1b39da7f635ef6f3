-- Access (lead: renumber to follow the other parts' migrations at merge): users who sign in, and API tokens of
-- machine clients (docs/access.md). Passwords only as PBKDF2 hashes, tokens only as SHA-256 hashes of their secrets,
-- looked up by a public prefix. Roles are a comma-separated list of role names. AUTOINCREMENT: a user id is never
-- used twice.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    consumer_id TEXT,
    disabled INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    failed_logins INTEGER NOT NULL,
    locked_until INTEGER,
    password_changed_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    prefix TEXT PRIMARY KEY,
    secret_hash BLOB NOT NULL,
    name TEXT NOT NULL UNIQUE,
    roles TEXT NOT NULL,
    owner TEXT NOT NULL,
    consumer_id TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    last_used_at INTEGER,
    revoked_at INTEGER
);

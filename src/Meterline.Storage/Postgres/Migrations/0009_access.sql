-- Access (lead: renumber to follow the other parts' migrations at merge): users who sign in, and API tokens of
-- machine clients (docs/access.md). Passwords only as PBKDF2 hashes, tokens only as SHA-256 hashes of their secrets,
-- looked up by a public prefix. Roles are a comma-separated list of role names.

CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    roles text NOT NULL,
    consumer_id text,
    disabled boolean NOT NULL,
    created_at timestamptz NOT NULL,
    failed_logins integer NOT NULL,
    locked_until timestamptz,
    password_changed_at timestamptz NOT NULL
);

CREATE TABLE api_tokens (
    prefix text PRIMARY KEY,
    secret_hash bytea NOT NULL,
    name text NOT NULL UNIQUE,
    roles text NOT NULL,
    owner text NOT NULL,
    consumer_id text,
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz
);

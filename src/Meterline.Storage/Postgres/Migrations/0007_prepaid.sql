-- Prepaid accounts and their ledgers (docs/prepaid.md). A ledger entry is inserted once and never changed; the
-- account's balance moves with it in the same transaction (the account row is locked first).

CREATE TABLE prepaid_accounts (
    consumer text PRIMARY KEY,
    currency text NOT NULL,
    balance numeric(20, 2) NOT NULL,
    entries bigint NOT NULL CHECK (entries >= 0),
    low_balance boolean NOT NULL,
    supply text NOT NULL,
    disconnect_due_at timestamptz,
    episode bigint NOT NULL CHECK (episode >= 0),
    last_deduction_amount numeric(20, 2),
    last_deduction_at timestamptz,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL
);

CREATE TABLE prepaid_ledger (
    consumer text NOT NULL REFERENCES prepaid_accounts (consumer),
    sequence bigint NOT NULL CHECK (sequence >= 1),
    kind text NOT NULL,
    amount numeric(20, 2) NOT NULL,
    balance_after numeric(20, 2) NOT NULL,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    reference text NOT NULL,
    month text,
    month_charged numeric(20, 2),
    idempotency_key text,
    PRIMARY KEY (consumer, sequence),
    UNIQUE (consumer, idempotency_key)
);

CREATE INDEX prepaid_ledger_month ON prepaid_ledger (consumer, month, sequence);

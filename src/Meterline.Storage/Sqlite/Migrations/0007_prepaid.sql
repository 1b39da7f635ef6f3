-- Prepaid accounts and their ledgers (docs/prepaid.md). A ledger entry is inserted once and never changed; the
-- account's balance moves with it in the same transaction. Amounts are decimal text (never binary floating point).

CREATE TABLE prepaid_accounts (
    consumer TEXT PRIMARY KEY,
    currency TEXT NOT NULL,
    balance TEXT NOT NULL,
    entries INTEGER NOT NULL CHECK (entries >= 0),
    low_balance INTEGER NOT NULL,
    supply TEXT NOT NULL,
    disconnect_due_at INTEGER,
    episode INTEGER NOT NULL CHECK (episode >= 0),
    last_deduction_amount TEXT,
    last_deduction_at INTEGER,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE prepaid_ledger (
    consumer TEXT NOT NULL REFERENCES prepaid_accounts (consumer),
    sequence INTEGER NOT NULL CHECK (sequence >= 1),
    kind TEXT NOT NULL,
    amount TEXT NOT NULL,
    balance_after TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    reference TEXT NOT NULL,
    month TEXT,
    month_charged TEXT,
    idempotency_key TEXT,
    PRIMARY KEY (consumer, sequence),
    UNIQUE (consumer, idempotency_key)
);

CREATE INDEX prepaid_ledger_month ON prepaid_ledger (consumer, month, sequence);

-- The people who sign in (issue 11). A password is kept only as its Argon2id hash (a PHC
-- string, which names its own parameters and salt). A disabled account keeps its history and
-- cannot sign in; it is never deleted, since the audit trail names it.
CREATE TABLE accounts (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL UNIQUE,   -- trimmed, lower case
    role          TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'viewer', 'focal-point', 'partner')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL,          -- RFC 3339, UTC
    version       BIGINT NOT NULL DEFAULT 1
);

-- What a focal point answers for (country codes) and a partner account speaks for (partners'
-- short names or names), one row each.
CREATE TABLE account_scopes (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('country', 'partner')),
    value      TEXT NOT NULL,
    PRIMARY KEY (account_id, kind, value)
);

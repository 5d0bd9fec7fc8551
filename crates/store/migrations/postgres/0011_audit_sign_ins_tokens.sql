-- Issue 11: the audit trail, the web application's sign-ins, API tokens and failed sign-ins.

-- The audit trail: every change, import, export of personal data, sign-in and publication,
-- in order. Each entry carries `content`, a SHA-256 of its detail, before and after; `digest`,
-- one of the rest of it and `content`; and `hash`, one of its predecessor's hash and its own
-- digest, so an altered, removed or inserted entry breaks the chain from there on (`cadre audit
-- verify`). The store only appends; the triggers below refuse the rest but for two updates that
-- keep the chain: sealing an entry carried over from `edits` (which had no hash), and erasing a
-- person's identity from an entry's detail, before and after (`content` stays, so the chain
-- still verifies, and the entry says it was redacted).
CREATE TABLE audit (
    seq       BIGINT PRIMARY KEY,
    at        TEXT NOT NULL,                 -- RFC 3339, UTC
    actor     TEXT NOT NULL,
    address   TEXT NOT NULL DEFAULT '',      -- where the request came from, when it did
    action    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    record_id BIGINT,
    version   BIGINT,
    detail    TEXT NOT NULL DEFAULT '',
    before    TEXT NOT NULL DEFAULT '',      -- JSON, or empty
    after     TEXT NOT NULL DEFAULT '',      -- JSON, or empty
    redacted  BIGINT NOT NULL DEFAULT 0 CHECK (redacted IN (0, 1)),
    content   TEXT NOT NULL,                 -- SHA-256 of detail, before and after
    digest    TEXT NOT NULL,                 -- SHA-256 of the rest and `content`
    hash      TEXT NOT NULL
);
CREATE INDEX audit_record ON audit (kind, record_id);
CREATE INDEX audit_actor ON audit (actor);

-- The chain's last entry: appending raises `seq` here first, which makes appenders take turns.
-- `sealed` is the last entry whose hash is set.
CREATE TABLE audit_head (
    id     BIGINT PRIMARY KEY CHECK (id = 1),
    seq    BIGINT NOT NULL,
    hash   TEXT NOT NULL,
    sealed BIGINT NOT NULL
);

-- The single-record writes kept so far, carried over; the store seals them when it opens.
INSERT INTO audit (seq, at, actor, action, kind, record_id, version, detail, content, digest, hash)
SELECT id, at, actor, action, kind, record_id, version, detail, '', '', '' FROM edits ORDER BY id;
INSERT INTO audit_head (id, seq, hash, sealed) SELECT 1, COALESCE(MAX(seq), 0), '', 0 FROM audit;
DROP TABLE edits;

CREATE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (OLD.hash = '' AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.actor = OLD.actor
            AND NEW.action = OLD.action AND NEW.kind = OLD.kind AND NEW.detail = OLD.detail
            AND NEW.before = OLD.before AND NEW.after = OLD.after)
            OR (OLD.hash <> '' AND NEW.redacted = 1 AND NEW.seq = OLD.seq AND NEW.at = OLD.at
            AND NEW.actor = OLD.actor AND NEW.action = OLD.action AND NEW.kind = OLD.kind
            AND NEW.content = OLD.content AND NEW.digest = OLD.digest AND NEW.hash = OLD.hash) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
FOR EACH ROW EXECUTE FUNCTION audit_append_only();

-- TRUNCATE skips row triggers: refuse it too.
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Flags are read as 64-bit integers on both databases (SQLite's INTEGER is one).
ALTER TABLE accounts ALTER COLUMN disabled TYPE BIGINT;

-- A person signed in to the web application. The cookie holds a random secret; only its
-- SHA-256 is kept, so a copy of the database does not sign anyone in. Times are Unix seconds,
-- compared in Rust.
CREATE TABLE sign_ins (
    id_hash    TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL
);
CREATE INDEX sign_ins_account ON sign_ins (account_id);

-- Tokens for /api/v1, kept as the SHA-256 of the secret (shown once, when made).
CREATE TABLE api_tokens (
    id         BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    read_only  BIGINT NOT NULL CHECK (read_only IN (0, 1)),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- Failed sign-ins, by what was typed (`account:` and the e-mail, known or not) and by the
-- address they came from (`address:`), for throttling across every cadre process.
CREATE TABLE sign_in_failures (
    subject TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, at);

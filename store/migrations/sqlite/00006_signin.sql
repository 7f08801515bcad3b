-- +goose Up
-- Sign-in to 等保 level three (issue 12, part 3). Twin of migrations/mysql/00006_signin.sql.
-- users: when the password was last set (90-day expiry), whether it is an initial one
-- that must be changed at first sign-in, and the TOTP second factor: the secret sealed
-- with the Sealer (AES-GCM, like ID numbers), whether enrolment is confirmed, and the
-- last time step used, so a code is refused on reuse.
ALTER TABLE users ADD COLUMN password_changed_at DATETIME;
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_secret BLOB;
ALTER TABLE users ADD COLUMN totp_enabled BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = created_at;

-- The bcrypt hashes of a user's recent passwords: a new one may not be one of the last 5.
CREATE TABLE password_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    password_hash VARCHAR(100) NOT NULL,
    created_at    DATETIME NOT NULL
);
CREATE INDEX idx_password_history_user ON password_history(user_id, id);

-- Recovery codes, each usable once in place of a TOTP code; only their keyed hash is kept.
CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   INTEGER NOT NULL REFERENCES users(id),
    code_hash CHAR(64) NOT NULL,
    used_at   DATETIME
);
CREATE UNIQUE INDEX uq_recovery_codes_user_hash ON recovery_codes(user_id, code_hash);

-- The step between a right password and the second factor: a short-lived, single-use
-- challenge bound to the user (only its SHA-256 is kept, like session tokens).
CREATE TABLE login_challenges (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash CHAR(64) NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    expires_at DATETIME NOT NULL,
    used_at    DATETIME
);

-- A restricted session may only change the password ("password") or enrol the second
-- factor ("enroll"); empty is a full session.
ALTER TABLE sessions ADD COLUMN scope VARCHAR(16) NOT NULL DEFAULT '';

-- Failures are now counted per (account, address), per address and per account, under
-- one key each; the old per-username counts are only minutes old and are dropped.
DROP TABLE login_throttles;
CREATE TABLE login_throttles (
    throttle_key VARCHAR(160) PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start DATETIME NOT NULL,
    locked_until DATETIME
);

-- +goose Down
DROP TABLE login_throttles;
CREATE TABLE login_throttles (
    username     VARCHAR(64) PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start DATETIME NOT NULL,
    locked_until DATETIME
);
ALTER TABLE sessions DROP COLUMN scope;
DROP TABLE login_challenges;
DROP TABLE recovery_codes;
DROP TABLE password_history;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled;
ALTER TABLE users DROP COLUMN totp_secret;
ALTER TABLE users DROP COLUMN must_change_password;
ALTER TABLE users DROP COLUMN password_changed_at;

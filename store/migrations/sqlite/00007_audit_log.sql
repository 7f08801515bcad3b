-- +goose Up
-- The audit log (API.md "Security", DESIGN.md "Every action is audited"): one
-- append-only row per sign-in, sign-out, mutating request, reveal, export and denial.
-- Rows are chained by hash (store/audit.go): hash = SHA-256 of prev_hash and the row's
-- fields, so an edited or deleted row breaks the chain that VerifyAudit walks. id is the
-- chain's sequence number, given by audit_head, not by AUTOINCREMENT, so a gap shows.
-- detail is short and never holds personal data (no names, ID numbers, bodies).
-- Twin of migrations/mysql/00007_audit_log.sql.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         DATETIME NOT NULL,
    user_id    INTEGER NOT NULL DEFAULT 0,
    username   VARCHAR(64) NOT NULL DEFAULT '',
    role       VARCHAR(32) NOT NULL DEFAULT '',
    org_code   VARCHAR(16) NOT NULL DEFAULT '',
    address    VARCHAR(64) NOT NULL DEFAULT '',
    action     VARCHAR(96) NOT NULL,
    object     VARCHAR(64) NOT NULL DEFAULT '',
    result     VARCHAR(16) NOT NULL,
    status     INTEGER NOT NULL,
    request_id VARCHAR(64) NOT NULL DEFAULT '',
    detail     VARCHAR(255) NOT NULL DEFAULT '',
    prev_hash  CHAR(64) NOT NULL,
    hash       CHAR(64) NOT NULL
);
CREATE INDEX idx_audit_at ON audit_log(at);
CREATE INDEX idx_audit_username_at ON audit_log(username, at);
CREATE INDEX idx_audit_action_at ON audit_log(action, at);
-- The reveal cap counts a user's reveals of the day.
CREATE INDEX idx_audit_user_action_at ON audit_log(user_id, action, at);

-- The chain's head: the last row's sequence number and hash, in one row. Appends take it
-- in their transaction, so the chain stays linear with several API processes; a deleted
-- newest row shows because the head still names it.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash CHAR(64) NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- Append-only: no row is ever changed, and none younger than 180 days (the legal floor of
-- retention; a longer retention from the rules file is the retention job's) is deleted.
-- The driver stores times as Go prints them ("2026-12-02 16:44:18.537821 +0000 UTC"):
-- the first 19 characters are what julianday reads. A time it cannot read counts as
-- young, so the trigger fails closed.
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_young_delete BEFORE DELETE ON audit_log
WHEN COALESCE(julianday(substr(OLD.at, 1, 19)) <= julianday('now', '-180 days'), 0) = 0
BEGIN
    SELECT RAISE(ABORT, 'audit_log rows younger than 180 days cannot be deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'audit_head cannot be deleted');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_head_no_delete;
DROP TRIGGER audit_log_no_young_delete;
DROP TRIGGER audit_log_no_update;
DROP TABLE audit_head;
DROP TABLE audit_log;

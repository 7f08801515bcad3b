-- +goose Up
-- MySQL 8 / MariaDB 10.11 twin of migrations/sqlite/00007_audit_log.sql: keep the two in
-- step. The audit log: one append-only row per sign-in, sign-out, mutating request,
-- reveal, export and denial, chained by hash (store/audit.go); id is the chain's sequence
-- number from audit_head. detail never holds personal data.
CREATE TABLE audit_log (
    id         BIGINT NOT NULL PRIMARY KEY,
    at         DATETIME(6) NOT NULL,
    user_id    BIGINT NOT NULL DEFAULT 0,
    username   VARCHAR(64) NOT NULL DEFAULT '',
    role       VARCHAR(32) NOT NULL DEFAULT '',
    org_code   VARCHAR(16) NOT NULL DEFAULT '',
    address    VARCHAR(64) NOT NULL DEFAULT '',
    action     VARCHAR(96) NOT NULL,
    object     VARCHAR(64) NOT NULL DEFAULT '',
    result     VARCHAR(16) NOT NULL,
    status     INT NOT NULL,
    request_id VARCHAR(64) NOT NULL DEFAULT '',
    detail     VARCHAR(255) NOT NULL DEFAULT '',
    prev_hash  CHAR(64) NOT NULL,
    hash       CHAR(64) NOT NULL,
    KEY idx_audit_at (at),
    KEY idx_audit_username_at (username, at),
    KEY idx_audit_action_at (action, at),
    KEY idx_audit_user_action_at (user_id, action, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The chain's head, one row; an append locks it FOR UPDATE inside its transaction, so
-- appends from several API processes form one linear chain.
CREATE TABLE audit_head (
    id   TINYINT NOT NULL PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash CHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- Append-only for everyone, the application's user included: no UPDATE, and no DELETE of
-- a row younger than 180 days (the legal floor; a longer retention is the job's).
-- Creating a trigger with binary logging on needs SUPER or log_bin_trust_function_creators=1
-- for the migrating user (docs/api.md "Audit log").
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only: rows cannot be changed';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_young_delete BEFORE DELETE ON audit_log FOR EACH ROW
BEGIN
    IF OLD.at > UTC_TIMESTAMP(6) - INTERVAL 180 DAY THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log rows younger than 180 days cannot be deleted';
    END IF;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head FOR EACH ROW
BEGIN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_head cannot be deleted';
END;
-- +goose StatementEnd

-- Grants, as documentation, not executed: the migration runs as whichever user the
-- operator gives `mzflow migrate`, cannot know the application's user name, and a GRANT
-- needs privileges the application must not hold. MySQL grants only add, so the
-- application's user gets table-level grants, never ALL on the database, and never
-- TRIGGER, ALTER or DROP (with them it could remove the triggers above):
--   GRANT SELECT, INSERT, DELETE ON mzflow.audit_log  TO 'mzflow_app'@'%';  -- no UPDATE; DELETE is the retention job's, the trigger keeps younger rows
--   GRANT SELECT, UPDATE         ON mzflow.audit_head TO 'mzflow_app'@'%';  -- the chain head moves; it is never deleted
--   GRANT SELECT, INSERT, UPDATE, DELETE ON mzflow.<each other table> TO 'mzflow_app'@'%';
-- The migrating user (mzflow_migrate) holds the DDL privileges and TRIGGER.

-- +goose Down
DROP TRIGGER audit_head_no_delete;
DROP TRIGGER audit_log_no_young_delete;
DROP TRIGGER audit_log_no_update;
DROP TABLE audit_head;
DROP TABLE audit_log;

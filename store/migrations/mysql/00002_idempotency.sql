-- +goose Up
-- MySQL 8 / MariaDB 10.11 twin of migrations/sqlite/00002_idempotency.sql: keep the two in step.
-- Idempotency-Key records of POST /cases: one row per (user, key), holding the hash of the
-- request body and the result returned, so a retried request gets the same answer.
-- Keys compare exactly (utf8mb4_bin), as on SQLite.
CREATE TABLE idempotency_keys (
    user_id      BIGINT NOT NULL,
    key_value    VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    request_hash CHAR(64) NOT NULL,
    result       TEXT NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (user_id, key_value)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE idempotency_keys;

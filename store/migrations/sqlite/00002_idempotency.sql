-- +goose Up
-- Idempotency-Key records of POST /cases: one row per (user, key), holding the hash of the
-- request body and the result returned, so a retried request gets the same answer.
CREATE TABLE idempotency_keys (
    user_id      INTEGER NOT NULL,
    key_value    VARCHAR(128) NOT NULL,
    request_hash CHAR(64) NOT NULL,
    result       TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (user_id, key_value)
);

-- +goose Down
DROP TABLE idempotency_keys;

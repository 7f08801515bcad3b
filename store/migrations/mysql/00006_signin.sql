-- +goose Up
-- Sign-in to 等保 level three (issue 12, part 3). MySQL 8 / MariaDB twin of
-- migrations/sqlite/00006_signin.sql; the comments there say what each column is for.
ALTER TABLE users ADD COLUMN password_changed_at DATETIME(6),
    ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN totp_secret VARBINARY(128),
    ADD COLUMN totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = created_at;

CREATE TABLE password_history (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id       BIGINT NOT NULL,
    password_hash VARCHAR(100) NOT NULL,
    created_at    DATETIME(6) NOT NULL,
    FOREIGN KEY (user_id) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX idx_password_history_user ON password_history(user_id, id);

CREATE TABLE recovery_codes (
    id        BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id   BIGINT NOT NULL,
    code_hash CHAR(64) NOT NULL,
    used_at   DATETIME(6),
    FOREIGN KEY (user_id) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE UNIQUE INDEX uq_recovery_codes_user_hash ON recovery_codes(user_id, code_hash);

CREATE TABLE login_challenges (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    token_hash CHAR(64) NOT NULL UNIQUE,
    user_id    BIGINT NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    used_at    DATETIME(6),
    FOREIGN KEY (user_id) REFERENCES users(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE sessions ADD COLUMN scope VARCHAR(16) NOT NULL DEFAULT '';

DROP TABLE login_throttles;
CREATE TABLE login_throttles (
    throttle_key VARCHAR(160) PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start DATETIME(6) NOT NULL,
    locked_until DATETIME(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE login_throttles;
CREATE TABLE login_throttles (
    username     VARCHAR(64) PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start DATETIME(6) NOT NULL,
    locked_until DATETIME(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
ALTER TABLE sessions DROP COLUMN scope;
DROP TABLE login_challenges;
DROP TABLE recovery_codes;
DROP TABLE password_history;
ALTER TABLE users DROP COLUMN totp_last_step, DROP COLUMN totp_enabled, DROP COLUMN totp_secret,
    DROP COLUMN must_change_password, DROP COLUMN password_changed_at;

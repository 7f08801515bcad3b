-- +goose Up
-- The day's reveals of full ID numbers per user (issue 12, part 5): a reveal takes a slot
-- with one conditional UPDATE (n < cap), so reveals at the same moment cannot pass the
-- daily cap together. Twin of migrations/sqlite/00008_reveal_slots.sql.
CREATE TABLE reveal_slots (
    user_id BIGINT NOT NULL,
    day     VARCHAR(10) NOT NULL,
    n       INT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE reveal_slots;

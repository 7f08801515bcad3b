-- +goose Up
-- The day's reveals of full ID numbers per user (issue 12, part 5): a reveal takes a slot
-- with one conditional UPDATE (n < cap), so reveals at the same moment cannot pass the
-- daily cap together. Twin of migrations/mysql/00008_reveal_slots.sql.
CREATE TABLE reveal_slots (
    user_id INTEGER NOT NULL,
    day     VARCHAR(10) NOT NULL,
    n       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
);

-- +goose Down
DROP TABLE reveal_slots;

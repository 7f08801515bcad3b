-- +goose Up
-- MySQL 8 / MariaDB 10.11 twin of migrations/sqlite/00004_projection_revision.sql: keep
-- the two in step. Revision and seq let a projection converge to the committed workflow
-- state (store.ApplyProjection); updated_at finds recently projected cases to check.
ALTER TABLE cases ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_notifications_case_seq ON notifications(case_id, seq);
CREATE INDEX idx_cases_updated ON cases(updated_at);

-- +goose Down
DROP INDEX idx_cases_updated ON cases;
DROP INDEX idx_notifications_case_seq ON notifications;
ALTER TABLE notifications DROP COLUMN seq;
ALTER TABLE cases DROP COLUMN revision;

-- +goose Up
-- A projection converges to the committed workflow state (store.ApplyProjection): the
-- case row carries the revision it was projected from, so an older one never overwrites
-- a newer one; a notification carries the timeline seq it goes with, so a projection
-- replaces a seq's notifications as a whole; the read-model check (projection.Checker)
-- finds recently projected cases by updated_at. Twin of
-- migrations/mysql/00004_projection_revision.sql.
ALTER TABLE cases ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_notifications_case_seq ON notifications(case_id, seq);
CREATE INDEX idx_cases_updated ON cases(updated_at);

-- +goose Down
DROP INDEX idx_cases_updated;
DROP INDEX idx_notifications_case_seq;
ALTER TABLE notifications DROP COLUMN seq;
ALTER TABLE cases DROP COLUMN revision;

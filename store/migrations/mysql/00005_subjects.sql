-- +goose Up
-- MySQL 8 / MariaDB 10.11 twin of migrations/sqlite/00005_subjects.sql: keep the two in
-- step. Tasks, timeline events and notifications are keyed by subject (case now;
-- project and supervision_item next); case_id stays for the case subject.
ALTER TABLE tasks ADD COLUMN subject_kind VARCHAR(32) NOT NULL DEFAULT 'case',
    ADD COLUMN subject_id VARCHAR(40) NOT NULL DEFAULT '',
    ADD COLUMN title VARCHAR(128) NOT NULL DEFAULT '';
UPDATE tasks SET subject_id = case_id, title = applicant_name;
CREATE INDEX idx_tasks_subject ON tasks(subject_kind, subject_id);

ALTER TABLE timeline_events ADD COLUMN subject_kind VARCHAR(32) NOT NULL DEFAULT 'case',
    ADD COLUMN subject_id VARCHAR(40) NOT NULL DEFAULT '';
UPDATE timeline_events SET subject_id = case_id;
CREATE UNIQUE INDEX uq_timeline_subject_seq ON timeline_events(subject_kind, subject_id, seq);
DROP INDEX uq_timeline_case_seq ON timeline_events;

ALTER TABLE notifications ADD COLUMN subject_kind VARCHAR(32) NOT NULL DEFAULT 'case',
    ADD COLUMN subject_id VARCHAR(40) NOT NULL DEFAULT '',
    ADD COLUMN title VARCHAR(128) NOT NULL DEFAULT '';
UPDATE notifications SET subject_id = case_id,
    title = COALESCE((SELECT applicant_name FROM cases WHERE cases.id = notifications.case_id), '');
CREATE INDEX idx_notifications_subject_seq ON notifications(subject_kind, subject_id, seq);
DROP INDEX idx_notifications_case_seq ON notifications;

-- +goose Down
CREATE INDEX idx_notifications_case_seq ON notifications(case_id, seq);
DROP INDEX idx_notifications_subject_seq ON notifications;
ALTER TABLE notifications DROP COLUMN title, DROP COLUMN subject_id, DROP COLUMN subject_kind;
CREATE UNIQUE INDEX uq_timeline_case_seq ON timeline_events(case_id, seq);
DROP INDEX uq_timeline_subject_seq ON timeline_events;
ALTER TABLE timeline_events DROP COLUMN subject_id, DROP COLUMN subject_kind;
DROP INDEX idx_tasks_subject ON tasks;
ALTER TABLE tasks DROP COLUMN title, DROP COLUMN subject_id, DROP COLUMN subject_kind;

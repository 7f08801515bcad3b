-- +goose Up
-- The read model is keyed by subject (DESIGN.md): tasks, timeline events and
-- notifications of every process (a case now; a project, a supervision item next) land
-- in the same tables, so one inbox, one overdue board and one message list serve all.
-- case_id stays for the case subject. Twin of migrations/mysql/00005_subjects.sql.
ALTER TABLE tasks ADD COLUMN subject_kind VARCHAR(32) NOT NULL DEFAULT 'case';
ALTER TABLE tasks ADD COLUMN subject_id VARCHAR(40) NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN title VARCHAR(128) NOT NULL DEFAULT '';
UPDATE tasks SET subject_id = case_id, title = applicant_name;
CREATE INDEX idx_tasks_subject ON tasks(subject_kind, subject_id);

ALTER TABLE timeline_events ADD COLUMN subject_kind VARCHAR(32) NOT NULL DEFAULT 'case';
ALTER TABLE timeline_events ADD COLUMN subject_id VARCHAR(40) NOT NULL DEFAULT '';
UPDATE timeline_events SET subject_id = case_id;
CREATE UNIQUE INDEX uq_timeline_subject_seq ON timeline_events(subject_kind, subject_id, seq);
DROP INDEX uq_timeline_case_seq;

ALTER TABLE notifications ADD COLUMN subject_kind VARCHAR(32) NOT NULL DEFAULT 'case';
ALTER TABLE notifications ADD COLUMN subject_id VARCHAR(40) NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN title VARCHAR(128) NOT NULL DEFAULT '';
UPDATE notifications SET subject_id = case_id,
    title = COALESCE((SELECT applicant_name FROM cases WHERE cases.id = notifications.case_id), '');
CREATE INDEX idx_notifications_subject_seq ON notifications(subject_kind, subject_id, seq);
DROP INDEX idx_notifications_case_seq;

-- +goose Down
CREATE INDEX idx_notifications_case_seq ON notifications(case_id, seq);
DROP INDEX idx_notifications_subject_seq;
ALTER TABLE notifications DROP COLUMN title;
ALTER TABLE notifications DROP COLUMN subject_id;
ALTER TABLE notifications DROP COLUMN subject_kind;
CREATE UNIQUE INDEX uq_timeline_case_seq ON timeline_events(case_id, seq);
DROP INDEX uq_timeline_subject_seq;
ALTER TABLE timeline_events DROP COLUMN subject_id;
ALTER TABLE timeline_events DROP COLUMN subject_kind;
DROP INDEX idx_tasks_subject;
ALTER TABLE tasks DROP COLUMN title;
ALTER TABLE tasks DROP COLUMN subject_id;
ALTER TABLE tasks DROP COLUMN subject_kind;

-- +goose Up
-- MySQL 8 / MariaDB 10.11 twin of migrations/sqlite/00003_scale_indexes.sql: keep the two in step.
-- The case search by name sorts its matches newest first. With submitted_at beside the
-- name (and the primary key every InnoDB index carries) the sort reads this index alone
-- and only the page's rows are fetched (store.ListCases); the old name-only index made it
-- read every match from the table.
CREATE INDEX idx_cases_name_submitted ON cases(applicant_name, submitted_at);
DROP INDEX idx_cases_name ON cases;

-- +goose Down
CREATE INDEX idx_cases_name ON cases(applicant_name);
DROP INDEX idx_cases_name_submitted ON cases;

-- +goose Up
-- The case search by name sorts its matches newest first: with submitted_at beside the
-- name the sort reads this index alone and only the page's rows are fetched
-- (store.ListCases). Twin of migrations/mysql/00003_scale_indexes.sql.
CREATE INDEX idx_cases_name_submitted ON cases(applicant_name, submitted_at);
DROP INDEX idx_cases_name;

-- +goose Down
CREATE INDEX idx_cases_name ON cases(applicant_name);
DROP INDEX idx_cases_name_submitted;

-- +goose Up
-- The registry (organisations, users, sessions, calendar, rules) and the read model of
-- cases. Case rows are written only by workflow activities; see DESIGN.md.
CREATE TABLE orgs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       VARCHAR(12) NOT NULL UNIQUE,
    name       VARCHAR(64) NOT NULL,
    level      VARCHAR(16) NOT NULL,
    parent_id  INTEGER REFERENCES orgs(id),
    created_at DATETIME NOT NULL
);
CREATE INDEX idx_orgs_parent ON orgs(parent_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      VARCHAR(64) NOT NULL UNIQUE,
    name          VARCHAR(64) NOT NULL,
    password_hash VARCHAR(100) NOT NULL,
    role          VARCHAR(32) NOT NULL,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    DATETIME NOT NULL
);
CREATE INDEX idx_users_org_role ON users(org_id, role);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   CHAR(64) NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    revoked_at   DATETIME
);
CREATE INDEX idx_sessions_user ON sessions(user_id);

CREATE TABLE login_throttles (
    username     VARCHAR(64) PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start DATETIME NOT NULL,
    locked_until DATETIME
);

CREATE TABLE calendar_years (
    year       INTEGER PRIMARY KEY,
    holidays   TEXT NOT NULL,
    workdays   TEXT NOT NULL,
    updated_by INTEGER,
    updated_at DATETIME NOT NULL
);

CREATE TABLE program_rules (
    program    VARCHAR(16) PRIMARY KEY,
    document   TEXT NOT NULL,
    updated_by INTEGER,
    updated_at DATETIME NOT NULL
);

CREATE TABLE cases (
    id                 VARCHAR(40) PRIMARY KEY,
    workflow_id        VARCHAR(100) NOT NULL,
    program            VARCHAR(16) NOT NULL,
    category           VARCHAR(32) NOT NULL DEFAULT '',
    status             VARCHAR(32) NOT NULL,
    step               VARCHAR(32) NOT NULL DEFAULT '',
    township_code      VARCHAR(12) NOT NULL,
    village            VARCHAR(64) NOT NULL DEFAULT '',
    applicant_name     VARCHAR(64) NOT NULL,
    id_number_enc      BLOB NOT NULL,
    id_number_hash     CHAR(64) NOT NULL,
    id_number_masked   VARCHAR(24) NOT NULL,
    phone              VARCHAR(32) NOT NULL DEFAULT '',
    address            VARCHAR(255) NOT NULL DEFAULT '',
    household_size     INTEGER NOT NULL DEFAULT 0,
    urgent             BOOLEAN NOT NULL DEFAULT 0,
    related_to_staff   BOOLEAN NOT NULL DEFAULT 0,
    household_category VARCHAR(16) NOT NULL DEFAULT '',
    submitted_at       DATETIME NOT NULL,
    due_at             DATETIME,
    decided_at         DATETIME,
    outcome            VARCHAR(32) NOT NULL DEFAULT '',
    amount_monthly     DECIMAL(12,2),
    pay_from           VARCHAR(10) NOT NULL DEFAULT '',
    spot_check         BOOLEAN NOT NULL DEFAULT 0,
    last_seq           INTEGER NOT NULL DEFAULT 0,
    updated_at         DATETIME NOT NULL
);
CREATE INDEX idx_cases_township_status ON cases(township_code, status, submitted_at);
CREATE INDEX idx_cases_program_status ON cases(program, status, submitted_at);
CREATE INDEX idx_cases_id_hash ON cases(id_number_hash);
CREATE INDEX idx_cases_name ON cases(applicant_name);
CREATE INDEX idx_cases_workflow ON cases(workflow_id);

CREATE TABLE tasks (
    id               VARCHAR(60) PRIMARY KEY,
    case_id          VARCHAR(40) NOT NULL,
    program          VARCHAR(16) NOT NULL,
    step             VARCHAR(32) NOT NULL,
    role             VARCHAR(32) NOT NULL,
    org_code         VARCHAR(12) NOT NULL,
    township_code    VARCHAR(12) NOT NULL,
    assignee_id      INTEGER,
    status           VARCHAR(16) NOT NULL,
    created_at       DATETIME NOT NULL,
    due_at           DATETIME,
    due_provisional  BOOLEAN NOT NULL DEFAULT 0,
    decided_at       DATETIME,
    decided_by       INTEGER,
    outcome          VARCHAR(16) NOT NULL DEFAULT '',
    escalation_level INTEGER NOT NULL DEFAULT 0,
    notified         TEXT,
    applicant_name   VARCHAR(64) NOT NULL DEFAULT ''
);
CREATE INDEX idx_tasks_inbox ON tasks(status, role, org_code, due_at);
CREATE INDEX idx_tasks_overdue ON tasks(status, due_at);
CREATE INDEX idx_tasks_township ON tasks(status, township_code, due_at);
CREATE INDEX idx_tasks_case ON tasks(case_id);
CREATE INDEX idx_tasks_assignee ON tasks(assignee_id, status);

CREATE TABLE timeline_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    VARCHAR(40) NOT NULL,
    seq        INTEGER NOT NULL,
    type       VARCHAR(32) NOT NULL,
    step       VARCHAR(32) NOT NULL DEFAULT '',
    actor_id   INTEGER,
    actor_name VARCHAR(64) NOT NULL DEFAULT '',
    actor_role VARCHAR(32) NOT NULL DEFAULT '',
    at         DATETIME NOT NULL,
    comment    TEXT,
    data       TEXT
);
CREATE UNIQUE INDEX uq_timeline_case_seq ON timeline_events(case_id, seq);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    dedup_key  VARCHAR(160) NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL,
    kind       VARCHAR(16) NOT NULL,
    case_id    VARCHAR(40) NOT NULL DEFAULT '',
    task_id    VARCHAR(60) NOT NULL DEFAULT '',
    text       TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    read_at    DATETIME
);
CREATE INDEX idx_notifications_user ON notifications(user_id, read_at, created_at);

-- +goose Down
DROP TABLE notifications;
DROP TABLE timeline_events;
DROP TABLE tasks;
DROP TABLE cases;
DROP TABLE program_rules;
DROP TABLE calendar_years;
DROP TABLE login_throttles;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE orgs;

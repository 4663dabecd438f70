-- The local mirror of the municipal feed (issue 4; docs/sync.md).
--
-- Conventions: instants are Unix seconds (UTC) in INTEGER columns; `payload` holds the record's
-- `data` object exactly as received (JSON text), so the canonical digest, the clock and every
-- screen can be recomputed from what the feed said; `seq` is the feed's change sequence of the
-- version stored (the record's own ordering: a lower seq never overwrites a higher one);
-- `reported_at` is the record's 上报时间.

-- 部门 (with the stationed discipline body, Art. A8/B8).
CREATE TABLE departments (
    dept_id              TEXT PRIMARY KEY,            -- 部门编码
    name                 TEXT NOT NULL,
    level                TEXT NOT NULL CHECK (level IN ('city', 'county')),
    region_code          TEXT NOT NULL,
    region_name          TEXT NOT NULL,
    credit_code          TEXT NOT NULL,
    discipline_body_id   TEXT NOT NULL,
    discipline_body_name TEXT NOT NULL,
    seq                  INTEGER NOT NULL,
    reported_at          INTEGER NOT NULL,
    payload              TEXT NOT NULL
) STRICT;

-- 事项 (the item catalogue, with its limits).
CREATE TABLE items (
    item_code       TEXT PRIMARY KEY,                 -- 实施编码
    basic_code      TEXT NOT NULL,                    -- 基本编码
    name            TEXT NOT NULL,
    item_type       TEXT NOT NULL,                    -- 事项类型代码
    dept_id         TEXT NOT NULL,
    statutory_limit INTEGER NOT NULL,
    statutory_unit  TEXT NOT NULL CHECK (statutory_unit IN ('G', 'Z')),
    promised_limit  INTEGER NOT NULL,
    promised_unit   TEXT NOT NULL CHECK (promised_unit IN ('G', 'Z')),
    case_type       TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    reported_at     INTEGER NOT NULL,
    payload         TEXT NOT NULL
) STRICT;
CREATE INDEX items_by_dept ON items (dept_id);

-- 办件: the latest version of every valid case. Superseded (and late-arriving older) versions
-- live in case_versions; the full history of a case is the union (view case_history).
CREATE TABLE cases (
    case_id        TEXT PRIMARY KEY,                  -- 办件编号
    seq            INTEGER NOT NULL,                  -- seq of this (the latest) version
    first_seq      INTEGER NOT NULL,                  -- lowest seq received for the case
    reported_at    INTEGER NOT NULL,                  -- 上报时间 of this version
    dept_id        TEXT NOT NULL,
    item_code      TEXT NOT NULL,
    case_type      TEXT NOT NULL,                     -- 办件类型代码
    status         TEXT NOT NULL,                     -- 办件状态代码 (1..15)
    classified     INTEGER NOT NULL,                  -- Art. A4 涉密/豁免
    applied_at     INTEGER NOT NULL,
    accepted_at    INTEGER,
    completed_at   INTEGER,
    closed_at      INTEGER,                           -- completed, withdrawn or refused
    promised_limit INTEGER NOT NULL,
    promised_unit  TEXT NOT NULL,
    versions       INTEGER NOT NULL DEFAULT 1,        -- distinct versions received
    payload        TEXT NOT NULL
) STRICT;
-- Secondary indexes on cases are dropped during a cold bulk load and rebuilt from their stored
-- SQL afterwards (table deferred_indexes); keep them plain CREATE INDEX statements.
CREATE INDEX cases_by_dept ON cases (dept_id, accepted_at);
CREATE INDEX cases_by_item ON cases (item_code, accepted_at);
CREATE INDEX cases_by_seq ON cases (seq);
CREATE INDEX cases_open ON cases (accepted_at) WHERE closed_at IS NULL;

CREATE TABLE case_versions (
    case_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    reported_at  INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,                    -- wall clock of this console
    status       TEXT NOT NULL,
    accepted_at  INTEGER,
    completed_at INTEGER,
    payload      TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) STRICT, WITHOUT ROWID;

CREATE VIEW case_history AS
    SELECT case_id, seq, reported_at, status, accepted_at, completed_at, payload, 1 AS is_latest
      FROM cases
    UNION ALL
    SELECT case_id, seq, reported_at, status, accepted_at, completed_at, payload, 0 AS is_latest
      FROM case_versions;

-- The events of each case's latest version (申请, 受理, 办理, 补正, 特别程序, 办结, 撤回), read
-- from the payload: one row per event, so screens query events without a second copy of them.
CREATE VIEW case_events AS
    SELECT case_id, 'application' AS kind, 0 AS ordinal,
           json_extract(payload, '$.application.applied_at') AS at, NULL AS ended_at,
           json_extract(payload, '$.application.applicant_name') AS detail
      FROM cases
    UNION ALL
    SELECT case_id, 'acceptance', 0, json_extract(payload, '$.acceptance.accepted_at'), NULL,
           json_extract(payload, '$.acceptance.accepted_by')
      FROM cases WHERE json_extract(payload, '$.acceptance') IS NOT NULL
    UNION ALL
    SELECT case_id, 'rejection', 0, json_extract(payload, '$.rejection.rejected_at'), NULL,
           json_extract(payload, '$.rejection.reason')
      FROM cases WHERE json_extract(payload, '$.rejection') IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'step', CAST(s.key AS INTEGER), json_extract(s.value, '$.started_at'),
           json_extract(s.value, '$.ended_at'), json_extract(s.value, '$.name')
      FROM cases c, json_each(c.payload, '$.steps') s
    UNION ALL
    SELECT c.case_id, 'correction', CAST(s.key AS INTEGER), json_extract(s.value, '$.started_at'),
           json_extract(s.value, '$.ended_at'), json_extract(s.value, '$.reason')
      FROM cases c, json_each(c.payload, '$.corrections') s
    UNION ALL
    SELECT c.case_id, 'special_procedure', CAST(s.key AS INTEGER),
           json_extract(s.value, '$.started_at'), json_extract(s.value, '$.ended_at'),
           json_extract(s.value, '$.kind')
      FROM cases c, json_each(c.payload, '$.special_procedures') s
    UNION ALL
    SELECT case_id, 'completion', 0, json_extract(payload, '$.completion.completed_at'), NULL,
           json_extract(payload, '$.completion.outcome')
      FROM cases WHERE json_extract(payload, '$.completion') IS NOT NULL
    UNION ALL
    SELECT case_id, 'withdrawal', 0, json_extract(payload, '$.withdrawal.withdrawn_at'), NULL,
           json_extract(payload, '$.withdrawal.reason')
      FROM cases WHERE json_extract(payload, '$.withdrawal') IS NOT NULL;

-- 评价 (满意度, Art. D8/D10).
CREATE TABLE evaluations (
    eval_id      TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL,
    dept_id      TEXT NOT NULL,
    channel      TEXT NOT NULL,
    evaluated_at INTEGER NOT NULL,
    satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
    seq          INTEGER NOT NULL,
    reported_at  INTEGER NOT NULL,
    payload      TEXT NOT NULL
) STRICT;
CREATE INDEX evaluations_by_dept ON evaluations (dept_id, evaluated_at);
CREATE INDEX evaluations_by_case ON evaluations (case_id);

-- 投诉, kept raw for the complaint workflow (measure C).
CREATE TABLE complaints (
    complaint_id   TEXT PRIMARY KEY,
    target_dept_id TEXT NOT NULL,
    case_id        TEXT,
    received_at    INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    reported_at    INTEGER NOT NULL,
    payload        TEXT NOT NULL
) STRICT;
CREATE INDEX complaints_by_dept ON complaints (target_dept_id, received_at);

-- Where each feed's sync stands. Moves in the same transaction as the records it covers.
CREATE TABLE sync_cursor (
    feed        TEXT PRIMARY KEY,                     -- the feed's base URL
    cursor      TEXT NOT NULL,                        -- the last next_cursor applied
    records     INTEGER NOT NULL DEFAULT 0,           -- records applied through this cursor
    latest_seq  INTEGER,                              -- the feed's latest_seq when last seen
    server_time INTEGER,                              -- the feed's clock when last seen
    updated_at  INTEGER NOT NULL                      -- wall clock of the last move
) STRICT;

-- Malformed records: never data, never lost (shown in the UI with reason and payload).
CREATE TABLE quarantine (
    quarantine_id INTEGER PRIMARY KEY,
    feed          TEXT NOT NULL,
    seq           INTEGER,
    record_type   TEXT,
    record_id     TEXT,
    dept_id       TEXT,
    reason        TEXT NOT NULL,
    raw           TEXT NOT NULL,
    raw_sha256    TEXT NOT NULL UNIQUE,               -- a duplicated page quarantines once
    received_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX quarantine_by_dept ON quarantine (dept_id);

-- Per-department feed status (last data, last error).
CREATE TABLE dept_status (
    dept_id          TEXT PRIMARY KEY,
    last_data_at     INTEGER,                         -- latest 上报时间 among its records
    last_seq         INTEGER,
    last_received_at INTEGER,                         -- wall clock of the last record received
    records          INTEGER NOT NULL DEFAULT 0,
    quarantined      INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    last_error_at    INTEGER
) STRICT;

-- Data-integrity findings about the feed itself (Art. A9(2)(8), B4(5)).
CREATE TABLE integrity_findings (
    finding_id  INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,                 -- idempotence: one finding per fact
    kind        TEXT NOT NULL CHECK (kind IN
                  ('silent_department', 'late_report', 'backdated', 'impossible_sequence')),
    dept_id     TEXT NOT NULL,
    case_id     TEXT,
    observed_at INTEGER NOT NULL,                     -- feed time the fact was established
    summary     TEXT NOT NULL,                        -- 中文 one-line description
    evidence    TEXT NOT NULL,                        -- JSON: the versions/instants compared
    resolved_at INTEGER                               -- e.g. a silent department spoke again
) STRICT;
CREATE INDEX findings_by_dept ON integrity_findings (dept_id, observed_at);
CREATE INDEX findings_by_kind ON integrity_findings (kind, observed_at);
CREATE INDEX findings_by_case ON integrity_findings (case_id) WHERE case_id IS NOT NULL;

-- Secondary indexes dropped for a cold bulk load, with the SQL to rebuild them. Non-empty only
-- while a cold load is in progress (a killed load resumes and rebuilds them at its end).
CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
) STRICT;

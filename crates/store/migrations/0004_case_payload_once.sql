-- Every received case version once, keyed by the feed's change seq; `cases` keeps the current
-- version's columns and points at its payload (docs/sync.md "Storage").
--
-- Why: with the payload in `cases` and superseded versions in a (case_id, seq) b-tree, each new
-- version of a case read the old ~1 KB payload, wrote it at a random place of the history and
-- rewrote the ~1 KB `cases` row: three heavy writes per record. Now a version is one append at
-- the end of `case_versions` (seq only grows) plus an update of a small `cases` row. A seq
-- identifies one change of the one feed a cache mirrors, so it is unique.
DROP VIEW case_history;
DROP VIEW case_events;

CREATE TABLE case_versions_0004 (
    seq          INTEGER PRIMARY KEY,                 -- the feed's change seq
    case_id      TEXT NOT NULL,
    reported_at  INTEGER NOT NULL,                    -- 上报时间
    received_at  INTEGER NOT NULL,                    -- wall clock of this console
    status       TEXT NOT NULL,
    accepted_at  INTEGER,
    completed_at INTEGER,
    payload      TEXT NOT NULL                        -- `data` exactly as received
) STRICT;
INSERT INTO case_versions_0004 (seq, case_id, reported_at, received_at, status, accepted_at,
                                completed_at, payload)
    SELECT seq, case_id, reported_at, received_at, status, accepted_at, completed_at, payload
      FROM case_versions;
INSERT OR IGNORE INTO case_versions_0004 (seq, case_id, reported_at, received_at, status,
                                          accepted_at, completed_at, payload)
    SELECT seq, case_id, reported_at, 0, status, accepted_at, completed_at, payload FROM cases;
DROP TABLE case_versions;
ALTER TABLE case_versions_0004 RENAME TO case_versions;
CREATE INDEX case_versions_by_case ON case_versions (case_id, seq);

CREATE TABLE cases_0004 (
    case_id        TEXT PRIMARY KEY,                  -- 办件编号
    seq            INTEGER NOT NULL,                  -- the current version (case_versions.seq)
    first_seq      INTEGER NOT NULL,                  -- lowest seq received for the case
    reported_at    INTEGER NOT NULL,                  -- 上报时间 of the current version
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
    versions       INTEGER NOT NULL DEFAULT 1         -- distinct versions received
) STRICT;
INSERT INTO cases_0004 SELECT case_id, seq, first_seq, reported_at, dept_id, item_code, case_type,
       status, classified, applied_at, accepted_at, completed_at, closed_at, promised_limit,
       promised_unit, versions FROM cases;
DROP TABLE cases;
ALTER TABLE cases_0004 RENAME TO cases;
-- Secondary indexes on cases are dropped during a cold bulk load and rebuilt from their stored
-- SQL afterwards (table deferred_indexes); keep them plain CREATE INDEX statements.
CREATE INDEX cases_by_dept ON cases (dept_id, accepted_at);
CREATE INDEX cases_by_item ON cases (item_code, accepted_at);
CREATE INDEX cases_by_seq ON cases (seq);
CREATE INDEX cases_open ON cases (accepted_at) WHERE closed_at IS NULL;

-- The current version of every case with its payload.
CREATE VIEW case_current AS
    SELECT c.*, v.payload FROM cases c JOIN case_versions v ON v.seq = c.seq;

-- Every version of every case (oldest first per case), marking the current one.
CREATE VIEW case_history AS
    SELECT v.case_id, v.seq, v.reported_at, v.received_at, v.status, v.accepted_at,
           v.completed_at, v.payload, (v.seq = c.seq) AS is_latest
      FROM case_versions v JOIN cases c USING (case_id);

-- The events of each case's current version (申请, 受理, 办理, 补正, 特别程序, 办结, 撤回), read
-- from the payload: one row per event, so screens query events without a second copy of them.
CREATE VIEW case_events AS
    SELECT case_id, 'application' AS kind, 0 AS ordinal,
           json_extract(payload, '$.application.applied_at') AS at, NULL AS ended_at,
           json_extract(payload, '$.application.applicant_name') AS detail
      FROM case_current
    UNION ALL
    SELECT case_id, 'acceptance', 0, json_extract(payload, '$.acceptance.accepted_at'), NULL,
           json_extract(payload, '$.acceptance.accepted_by')
      FROM case_current WHERE json_extract(payload, '$.acceptance') IS NOT NULL
    UNION ALL
    SELECT case_id, 'rejection', 0, json_extract(payload, '$.rejection.rejected_at'), NULL,
           json_extract(payload, '$.rejection.reason')
      FROM case_current WHERE json_extract(payload, '$.rejection') IS NOT NULL
    UNION ALL
    SELECT c.case_id, 'step', CAST(s.key AS INTEGER), json_extract(s.value, '$.started_at'),
           json_extract(s.value, '$.ended_at'), json_extract(s.value, '$.name')
      FROM case_current c, json_each(c.payload, '$.steps') s
    UNION ALL
    SELECT c.case_id, 'correction', CAST(s.key AS INTEGER), json_extract(s.value, '$.started_at'),
           json_extract(s.value, '$.ended_at'), json_extract(s.value, '$.reason')
      FROM case_current c, json_each(c.payload, '$.corrections') s
    UNION ALL
    SELECT c.case_id, 'special_procedure', CAST(s.key AS INTEGER),
           json_extract(s.value, '$.started_at'), json_extract(s.value, '$.ended_at'),
           json_extract(s.value, '$.kind')
      FROM case_current c, json_each(c.payload, '$.special_procedures') s
    UNION ALL
    SELECT case_id, 'completion', 0, json_extract(payload, '$.completion.completed_at'), NULL,
           json_extract(payload, '$.completion.outcome')
      FROM case_current WHERE json_extract(payload, '$.completion') IS NOT NULL
    UNION ALL
    SELECT case_id, 'withdrawal', 0, json_extract(payload, '$.withdrawal.withdrawn_at'), NULL,
           json_extract(payload, '$.withdrawal.reason')
      FROM case_current WHERE json_extract(payload, '$.withdrawal') IS NOT NULL;

-- The clock's classification of every accepted case (issue 4 item 6; docs/sync.md
-- "Evaluation"), refreshed after each sync and at each next-change instant, so the queues
-- (预警 / 黄牌 / 红牌, by department, by item) are index range scans.

CREATE TABLE case_signals (
    case_id            TEXT PRIMARY KEY,
    dept_id            TEXT NOT NULL,
    item_code          TEXT NOT NULL,
    signal             TEXT NOT NULL
                       CHECK (signal IN ('normal', 'warning', 'yellow', 'red', 'done')),
    -- open cases: the current level; done cases: the highest level reached
    -- (0 normal, 1 预警 warning, 2 黄牌 yellow, 3 红牌 red)
    level              INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
    began_at           INTEGER,                  -- instant `level` began (NULL for normal)
    open               INTEGER NOT NULL,         -- 1 until completed / withdrawn
    on_time            INTEGER,                  -- done: never reached the yellow card
    closed_at          INTEGER,
    paused             INTEGER NOT NULL,         -- a pause (补正 / 特别程序) is freezing it
    deadline           TEXT NOT NULL,            -- D (YYYY-MM-DD, CST)
    remaining_workdays INTEGER NOT NULL,         -- 0 on D, negative = overdue
    warning_at         INTEGER NOT NULL,
    yellow_at          INTEGER NOT NULL,         -- the urgency key of the queues
    red_at             INTEGER NOT NULL,
    next_change_at     INTEGER,                  -- NULL: changes only if the case does
    classified         INTEGER NOT NULL,         -- Art. A4: details masked, counts honest
    known              INTEGER NOT NULL,         -- 0: a date outside the calendar's known years
    case_seq           INTEGER NOT NULL,         -- the case version evaluated
    evaluated_at       INTEGER NOT NULL          -- the instant evaluated at
) STRICT;
-- Live queues: open cases of one level, most urgent (earliest deadline) first.
CREATE INDEX case_signals_queue ON case_signals (level, yellow_at) WHERE open = 1;
CREATE INDEX case_signals_by_dept ON case_signals (dept_id, level, yellow_at) WHERE open = 1;
CREATE INDEX case_signals_by_item ON case_signals (item_code, level, yellow_at) WHERE open = 1;
-- Reports over closed cases (on-time rate per department and month).
CREATE INDEX case_signals_closed ON case_signals (dept_id, closed_at) WHERE open = 0;
-- The next instant anything changes without new data.
CREATE INDEX case_signals_next ON case_signals (next_change_at) WHERE next_change_at IS NOT NULL;

-- Every level a case reached, with the instant it began (kept when the case later closes).
CREATE TABLE signals (
    case_id  TEXT NOT NULL,
    level    INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    began_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, level)
) STRICT, WITHOUT ROWID;
CREATE INDEX signals_by_level ON signals (level, began_at);

-- Where the evaluation stands: cases with seq > evaluated_seq have not been classified yet.
CREATE TABLE evaluation_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    evaluated_seq INTEGER NOT NULL,
    evaluated_at  INTEGER NOT NULL
) STRICT;

-- The feed's own last error (per-department errors are in dept_status).
ALTER TABLE sync_cursor ADD COLUMN last_error TEXT;
ALTER TABLE sync_cursor ADD COLUMN last_error_at INTEGER;

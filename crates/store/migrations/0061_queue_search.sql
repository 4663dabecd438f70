-- Queue filters by handler and free text (issue 5; docs/queues.md).
--
-- The case payload is ~1 KB of JSON: reading it for 100,000 open cards on every filter change
-- costs far more than the 50 ms budget. `queue_search` keeps, per case, the few words the
-- queue filters look at, taken from the current version; the queue service brings it up to
-- date (cases with seq > queue_search_state.indexed_seq, via cases_by_seq) before it answers,
-- so it is a cache of the payload, never a second source of truth.
CREATE TABLE queue_search (
    case_id  TEXT PRIMARY KEY,
    case_seq INTEGER NOT NULL,                -- the version the words come from
    handlers TEXT NOT NULL,                   -- '|' + each handler (受理人, 经办人) + '|'
    handler  TEXT,                            -- the latest step's handler, else the 受理人
    applicant TEXT,                           -- 申请人; NULL for a classified case (Art. A4)
    text     TEXT NOT NULL                    -- lower-case: 办件编号, 事项, 申请人, handlers
) STRICT, WITHOUT ROWID;

CREATE TABLE queue_search_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_seq INTEGER NOT NULL
) STRICT;

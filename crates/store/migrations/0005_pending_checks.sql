-- Case versions that arrived out of seq order during a cold bulk load, while the history's
-- (case_id, seq) index is deferred: their order-dependent integrity checks (backdating between
-- neighbours, the earliest late report) run once the index is rebuilt (docs/sync.md).
CREATE TABLE pending_checks (
    case_id TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (case_id, seq)
) STRICT, WITHOUT ROWID;

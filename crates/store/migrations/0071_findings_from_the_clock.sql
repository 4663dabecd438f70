-- Issue 13 item 2: findings the clock establishes (Licensing Law Art. 42; Arts. A9(8), B4(5)):
-- `extension_after_deadline` (an extension recorded once the limit had run out: the clock
-- ignores it) and `cap_overrun` (a special procedure past its own cap, until now shown only on
-- the case page). SQLite cannot widen a CHECK in place: the table is rebuilt, every row kept.
CREATE TABLE integrity_findings_v2 (
    finding_id  INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,                 -- idempotence: one finding per fact
    kind        TEXT NOT NULL CHECK (kind IN
                  ('silent_department', 'late_report', 'backdated', 'impossible_sequence',
                   'extension_after_deadline', 'cap_overrun')),
    dept_id     TEXT NOT NULL,
    case_id     TEXT,
    observed_at INTEGER NOT NULL,                     -- feed time the fact was established
    summary     TEXT NOT NULL,                        -- 中文 one-line description
    evidence    TEXT NOT NULL,                        -- JSON: the versions/instants compared
    resolved_at INTEGER                               -- e.g. a silent department spoke again
) STRICT;
INSERT INTO integrity_findings_v2
    (finding_id, key, kind, dept_id, case_id, observed_at, summary, evidence, resolved_at)
    SELECT finding_id, key, kind, dept_id, case_id, observed_at, summary, evidence, resolved_at
      FROM integrity_findings;
DROP TABLE integrity_findings;
ALTER TABLE integrity_findings_v2 RENAME TO integrity_findings;
CREATE INDEX findings_by_dept ON integrity_findings (dept_id, observed_at);
CREATE INDEX findings_by_kind ON integrity_findings (kind, observed_at);
CREATE INDEX findings_by_case ON integrity_findings (case_id) WHERE case_id IS NOT NULL;

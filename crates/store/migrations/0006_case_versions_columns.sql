-- Each case version carries the columns `cases` is made of, so a cold bulk load only appends
-- versions and builds `cases` (the highest seq per case) and the order-dependent findings in
-- set operations at its end; the history index covers what those findings compare
-- (docs/sync.md "Cold load").
ALTER TABLE case_versions ADD COLUMN dept_id TEXT;
ALTER TABLE case_versions ADD COLUMN item_code TEXT;
ALTER TABLE case_versions ADD COLUMN case_type TEXT;
ALTER TABLE case_versions ADD COLUMN classified INTEGER;
ALTER TABLE case_versions ADD COLUMN applied_at INTEGER;
ALTER TABLE case_versions ADD COLUMN closed_at INTEGER;
ALTER TABLE case_versions ADD COLUMN promised_limit INTEGER;
ALTER TABLE case_versions ADD COLUMN promised_unit TEXT;
UPDATE case_versions SET (dept_id, item_code, case_type, classified, applied_at, closed_at,
                          promised_limit, promised_unit) =
    (SELECT c.dept_id, c.item_code, c.case_type, c.classified, c.applied_at, c.closed_at,
            c.promised_limit, c.promised_unit FROM cases c WHERE c.case_id = case_versions.case_id);
DROP INDEX case_versions_by_case;
CREATE INDEX case_versions_by_case
    ON case_versions (case_id, seq, reported_at, accepted_at, completed_at);

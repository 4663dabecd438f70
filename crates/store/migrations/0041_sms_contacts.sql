-- The notices directory (通讯录) and the dispatcher's bookkeeping (crate jiancha-service's
-- `sms` module; range 40–49). Art. B6 notices go to the case's handler; the escalation chain
-- (Art. A8: the directly responsible person, then the leader in charge) needs the section
-- chief and the leader in charge of each department. The feed carries handlers' names only,
-- so their mobile numbers are kept here, per department.

CREATE TABLE sms_contacts (
    id         INTEGER PRIMARY KEY,
    dept_id    TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('handler', 'section_chief', 'leader_in_charge')),
    name       TEXT NOT NULL,
    phone      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (dept_id, role, name)
) STRICT;

-- Escalation candidates: the SMS of a case by role (who has been told).
CREATE INDEX sms_messages_case_role ON sms_messages(case_id, role, state);

-- Cases the dispatcher will not notify automatically again, and why (no number in the
-- directory, a template the case cannot fill, an escalation with nobody to tell). An officer
-- can still send from the case.
CREATE TABLE sms_auto_skipped (
    case_id TEXT PRIMARY KEY,
    reason  TEXT NOT NULL,
    at      INTEGER NOT NULL
) STRICT;

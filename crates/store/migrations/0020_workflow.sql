-- Workflows, accounts and the audit trail (crate jiancha-workflow; range 20–39).
-- Ids are UUIDv7 text; instants RFC 3339 UTC text with milliseconds; dates YYYY-MM-DD (CST).
-- Cases and units are referenced by their feed identifiers (text), not by foreign key, so the
-- workflow tables do not depend on the shape of the case cache.

-- The tamper-evident audit trail: append-only, hash-chained (see crates/workflow/src/audit.rs).
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    workstation TEXT NOT NULL,
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    details     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_subject ON audit_log(subject, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END;

-- Anchor: entry count and last hash, written with each append.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    entries   INTEGER NOT NULL,
    last_hash TEXT NOT NULL
) STRICT;
INSERT INTO audit_head(id, entries, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE wf_accounts (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('officer', 'leader', 'reviewer', 'admin')),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    workstation   TEXT NOT NULL
) STRICT;

CREATE TABLE wf_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;

-- Every state change of every workflow record: who, when, where.
CREATE TABLE wf_transitions (
    id          TEXT PRIMARY KEY,
    workflow    TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    workstation TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX wf_transitions_subject ON wf_transitions(subject_id, at);

CREATE TABLE wf_attachments (
    id       TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    purpose  TEXT NOT NULL,
    name     TEXT NOT NULL,
    path     TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
) STRICT;
CREATE INDEX wf_attachments_owner ON wf_attachments(owner_id);

-- 文号 sequences: one counter per letter kind and year; every allocation is kept forever.
CREATE TABLE wf_doc_sequences (
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (kind, year)
) STRICT;
CREATE TABLE wf_doc_numbers (
    kind         TEXT NOT NULL,
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    number       TEXT NOT NULL UNIQUE,
    letter_id    TEXT NOT NULL,
    allocated_at TEXT NOT NULL,
    allocated_by TEXT NOT NULL,
    PRIMARY KEY (kind, year, seq)
) STRICT;
CREATE TRIGGER wf_doc_numbers_no_update BEFORE UPDATE ON wf_doc_numbers
BEGIN SELECT RAISE(ABORT, 'wf_doc_numbers: an allocated number is never changed'); END;
CREATE TRIGGER wf_doc_numbers_no_delete BEFORE DELETE ON wf_doc_numbers
BEGIN SELECT RAISE(ABORT, 'wf_doc_numbers: an allocated number is never freed'); END;

-- Warning notices (Art. B6).
CREATE TABLE wf_notices (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL,
    handler       TEXT NOT NULL,
    phone         TEXT,
    channel       TEXT NOT NULL CHECK (channel IN ('sms', 'phone')),
    state         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    workstation   TEXT NOT NULL,
    sent_at       TEXT,
    gateway_ref   TEXT,
    delivered_at  TEXT,
    failed_at     TEXT,
    failure       TEXT,
    call_by       TEXT,
    call_at       TEXT,
    call_outcome  TEXT,
    call_note     TEXT
) STRICT;
CREATE INDEX wf_notices_case ON wf_notices(case_id);

-- Yellow and red cards: from the case clock's signals, or raised by hand (Art. B4/B5).
CREATE TABLE wf_cards (
    id                 TEXT PRIMARY KEY,
    color              TEXT NOT NULL CHECK (color IN ('yellow', 'red')),
    origin             TEXT NOT NULL CHECK (origin IN ('signal', 'manual')),
    case_id            TEXT,
    unit               TEXT NOT NULL,
    person             TEXT,
    situation          TEXT,
    description        TEXT NOT NULL,
    signal_at          TEXT,
    state              TEXT NOT NULL,
    raised_at          TEXT NOT NULL,
    raised_by          TEXT NOT NULL,
    workstation        TEXT NOT NULL,
    relief_ground      TEXT,
    relief_reason      TEXT,
    relieved_at        TEXT,
    relieved_by        TEXT,
    relief_approved_by TEXT
) STRICT;
CREATE UNIQUE INDEX wf_cards_signal ON wf_cards(case_id, color) WHERE origin = 'signal';
CREATE INDEX wf_cards_unit ON wf_cards(unit);

-- 效能告诫书 (Arts. B7, B9).
CREATE TABLE wf_admonitions (
    id                 TEXT PRIMARY KEY,
    unit               TEXT NOT NULL,
    addressee          TEXT NOT NULL,
    body               TEXT NOT NULL,
    state              TEXT NOT NULL,
    number             TEXT,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    workstation        TEXT NOT NULL,
    numbered_at        TEXT,
    issued_at          TEXT,
    issued_by          TEXT,
    report_due         TEXT,
    report_received_at TEXT,
    filed_at           TEXT,
    discarded_at       TEXT,
    discard_reason     TEXT
) STRICT;
CREATE TABLE wf_admonition_cards (
    admonition_id TEXT NOT NULL REFERENCES wf_admonitions(id),
    card_id       TEXT NOT NULL REFERENCES wf_cards(id),
    PRIMARY KEY (admonition_id, card_id)
) STRICT;

-- Red-card investigations (Arts. B8, B9).
CREATE TABLE wf_red_cases (
    id                TEXT PRIMARY KEY,
    card_id           TEXT NOT NULL REFERENCES wf_cards(id),
    unit              TEXT NOT NULL,
    summary           TEXT NOT NULL,
    state             TEXT NOT NULL,
    state_since       TEXT NOT NULL,
    step_due          TEXT,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    workstation       TEXT NOT NULL,
    approved_by       TEXT,
    approval_opinion  TEXT,
    rejection_reason  TEXT,
    route             TEXT,
    investigators     TEXT,
    notice_number     TEXT,
    notice_addressee  TEXT,
    findings          TEXT,
    proposal          TEXT,
    proposal_reason   TEXT,
    decision_outcome  TEXT,
    decision_body     TEXT,
    decision_date     TEXT,
    decision_minutes  TEXT,
    handed_over_to    TEXT,
    closing_note      TEXT
) STRICT;
CREATE UNIQUE INDEX wf_red_cases_card ON wf_red_cases(card_id);

-- Accountability measures (Art. B10).
CREATE TABLE wf_measures (
    id           TEXT PRIMARY KEY,
    target_kind  TEXT NOT NULL CHECK (target_kind IN ('person', 'unit')),
    target_name  TEXT NOT NULL,
    unit         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    decided_on   TEXT NOT NULL,
    decision_doc TEXT NOT NULL,
    source_id    TEXT,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    workstation  TEXT NOT NULL
) STRICT;
CREATE INDEX wf_measures_unit ON wf_measures(unit);

-- SMS notices (crate jiancha-notify; range 40–49), Art. B6: every notice, delivery receipt
-- and failure is stored and shown on the case. Instants RFC 3339 UTC text with
-- milliseconds. `notice_id` is the workflow's notice (wf_notices.id) or an escalation's
-- own reference; cases are referenced by their feed identifier (text), not by foreign key.

CREATE TABLE sms_messages (
    id          INTEGER PRIMARY KEY,
    notice_id   TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('handler', 'section_chief', 'leader_in_charge')),
    recipient   TEXT NOT NULL,
    phone       TEXT NOT NULL,
    -- The template's values (JSON object) and the text they render to.
    params      TEXT NOT NULL,
    content     TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('scheduled', 'sent', 'delivered', 'undelivered', 'failed')),
    created_at  TEXT NOT NULL,
    -- When quiet hours allow it to go out (next working morning if created at night).
    due_at      TEXT NOT NULL,
    sent_at     TEXT,
    gateway_ref TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sms_messages_case ON sms_messages(case_id, id);
CREATE INDEX sms_messages_due ON sms_messages(state, due_at);
CREATE UNIQUE INDEX sms_messages_ref ON sms_messages(gateway_ref) WHERE gateway_ref IS NOT NULL;

-- Append-only history of each message. A receipt whose message id matches no message is
-- kept too (message_id NULL, gateway_ref set): nothing received is dropped.
CREATE TABLE sms_events (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER REFERENCES sms_messages(id),
    gateway_ref TEXT,
    kind        TEXT NOT NULL CHECK (kind IN ('scheduled', 'sent', 'receipt', 'failure')),
    at          TEXT NOT NULL,
    status      TEXT,
    detail      TEXT NOT NULL DEFAULT '',
    raw         TEXT
) STRICT;
CREATE INDEX sms_events_message ON sms_events(message_id, id);
CREATE TRIGGER sms_events_no_update BEFORE UPDATE ON sms_events
BEGIN SELECT RAISE(ABORT, 'sms_events is append-only'); END;
CREATE TRIGGER sms_events_no_delete BEFORE DELETE ON sms_events
BEGIN SELECT RAISE(ABORT, 'sms_events is append-only'); END;

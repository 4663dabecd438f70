-- Calendar edits (crate jiancha-service::calendar_store; range 50–59), issue 3: officers
-- import a new year's State Council arrangement or edit single days. Append-only and
-- versioned: who, when, why; nothing is updated or deleted (a correction is a new edit).
-- The effective calendar is the shipped one with every edit applied in version order.
-- Instants are RFC 3339 text with +08:00, passed in by the caller (the store never reads
-- the wall clock for a record).

CREATE TABLE calendar_edits (
    version     INTEGER PRIMARY KEY,   -- 1, 2, 3 … the order edits apply in
    kind        TEXT NOT NULL CHECK (kind IN ('days', 'year')),
    -- kind 'year': the year this arrangement makes known (the UI stops showing 暂定).
    year        INTEGER CHECK (year BETWEEN 1900 AND 2200),
    source      TEXT NOT NULL CHECK (source IN ('manual', 'holiday-cn-json', 'ics')),
    actor       TEXT NOT NULL CHECK (length(actor) > 0),
    at          TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (length(reason) > 0),
    -- The imported file, verbatim (NULL for manual edits): nothing received is lost.
    source_text TEXT,
    CHECK ((kind = 'year') = (year IS NOT NULL))
) STRICT;

CREATE TABLE calendar_edit_days (
    version INTEGER NOT NULL REFERENCES calendar_edits(version),
    date    TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    workday INTEGER NOT NULL CHECK (workday IN (0, 1)),
    name    TEXT NOT NULL,
    PRIMARY KEY (version, date)
) STRICT;
CREATE INDEX calendar_edit_days_date ON calendar_edit_days(date, version);

CREATE TRIGGER calendar_edits_no_update BEFORE UPDATE ON calendar_edits
BEGIN SELECT RAISE(ABORT, 'calendar edits are append-only'); END;
CREATE TRIGGER calendar_edits_no_delete BEFORE DELETE ON calendar_edits
BEGIN SELECT RAISE(ABORT, 'calendar edits are append-only'); END;
CREATE TRIGGER calendar_edit_days_no_update BEFORE UPDATE ON calendar_edit_days
BEGIN SELECT RAISE(ABORT, 'calendar edits are append-only'); END;
CREATE TRIGGER calendar_edit_days_no_delete BEFORE DELETE ON calendar_edit_days
BEGIN SELECT RAISE(ABORT, 'calendar edits are append-only'); END;

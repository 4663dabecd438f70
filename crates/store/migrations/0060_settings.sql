-- Console settings (issue 5 item 6): feed URL, token, sync interval, warning lead, language.
-- A missing key means its default. The workflow crate's `wf_settings` needs a signed-in admin
-- for every write; these settings are the console's own (the language must be settable
-- before anyone signs in), so they live here with their own change log.
CREATE TABLE app_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL                        -- wall clock of the change
) STRICT;

-- Every change, old and new value (the token only as its redacted hint, never in full).
CREATE TABLE app_settings_log (
    change_id INTEGER PRIMARY KEY,
    key       TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    at        INTEGER NOT NULL
) STRICT;

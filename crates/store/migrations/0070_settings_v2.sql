-- One settings store (issue 11 item 1): a typed key/value API (jiancha_store::settings) over
-- one table and one change log, replacing the three stores that grew apart:
--   app_settings (+ app_settings_log)  the console's and the notices' settings, the live
--                                      loop's demo clock            -> 'console', 'notice', 'live'
--   wf_settings                        the workflow settings        -> 'workflow'
--   meta.workstation_id                this install's workstation   -> 'workstation' / 'id'
-- Every value and every logged change is copied (same keys, same text); the old tables are
-- then dropped, so no code can keep reading a stale copy (an older program refuses this
-- schema version anyway). Instants are Unix seconds; wf_settings' RFC 3339 text is converted.

CREATE TABLE settings (
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,                       -- Unix seconds of the last change
    updated_by TEXT NOT NULL,                          -- username, 'system', or 'unrecorded'
    PRIMARY KEY (namespace, key)
) STRICT, WITHOUT ROWID;

-- Every change: old and new value as logged (a secret only as its hint, never in full;
-- NULL = not set, the default applied), who and when.
CREATE TABLE settings_log (
    change_id  INTEGER PRIMARY KEY,
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT,
    at         INTEGER NOT NULL,
    changed_by TEXT                                    -- NULL: logged before this migration
) STRICT;
CREATE INDEX settings_log_key ON settings_log(namespace, key, change_id);

INSERT INTO settings (namespace, key, value, updated_at, updated_by)
SELECT CASE
         WHEN key LIKE 'notice.%' OR key LIKE 'center.%' THEN 'notice'
         WHEN key LIKE 'demo.%' THEN 'live'
         ELSE 'console'
       END,
       key, value, updated_at, 'unrecorded'
  FROM app_settings;

INSERT INTO settings_log (change_id, namespace, key, old_value, new_value, at, changed_by)
SELECT change_id,
       CASE
         WHEN key LIKE 'notice.%' OR key LIKE 'center.%' THEN 'notice'
         WHEN key LIKE 'demo.%' THEN 'live'
         ELSE 'console'
       END,
       key, old_value, new_value, at, NULL
  FROM app_settings_log;

INSERT INTO settings (namespace, key, value, updated_at, updated_by)
SELECT 'workflow', key, value, coalesce(unixepoch(updated_at), 0), updated_by
  FROM wf_settings;

INSERT INTO settings (namespace, key, value, updated_at, updated_by)
SELECT 'workstation', 'id', value, 0, 'unrecorded'
  FROM meta WHERE key = 'workstation_id';

DROP TABLE app_settings;
DROP TABLE app_settings_log;
DROP TABLE wf_settings;
DELETE FROM meta WHERE key = 'workstation_id';

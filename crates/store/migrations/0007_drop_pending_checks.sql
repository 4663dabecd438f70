-- Migration 6's cold load checks every version's order in set operations at its end, so the
-- queue of out-of-order versions from migration 5 is no longer used.
DROP TABLE pending_checks;

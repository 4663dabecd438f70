-- The queues' date filter is on the day a card began (docs/queues.md): without this index a
-- date range inside one level read every open card of the level (~54 ms for 35,000 yellow
-- cards in `jiancha bench queue`).
CREATE INDEX case_signals_began ON case_signals (level, began_at) WHERE open = 1;

-- The handler filter is on the case's current handler (the latest step's 经办人, else the
-- 受理人): an index lookup instead of a pass over every case's words.
CREATE INDEX queue_search_by_handler ON queue_search (handler);

-- A feed may announce the change log its seqs belong to (`feed_id`, docs/feed-protocol.md);
-- the console's demo feed is rebuilt with a new log on every start. The cursor is kept per
-- log, and each log gets a number: versions from log n are stored under (n << 40) | seq, so a
-- rebuilt log's seqs never collide with the versions already stored, and a newer log's
-- versions supersede an older log's (docs/sync.md "Feed logs").
ALTER TABLE sync_cursor ADD COLUMN feed_id TEXT;
ALTER TABLE sync_cursor ADD COLUMN log_no INTEGER NOT NULL DEFAULT 0;

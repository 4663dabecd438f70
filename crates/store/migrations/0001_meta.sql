-- Key/value facts about this database (its creation, the feed it mirrors).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
INSERT INTO meta(key, value) VALUES ('created_by', 'jiancha');

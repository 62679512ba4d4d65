-- Events by time instead of by type and time. The (identifier, time_source)
-- index cost a fifth of a bulk ingest (each insert lands in a random place
-- of it) and no query used it: listings filter on the type through an
-- optional parameter SQLite cannot match to an index, and sort and window by
-- time. An index on time_last follows the order reports arrive in (inserts
-- append) and serves the situational picture's 24 h / 7 d / 30 d windows.
DROP INDEX event_type;
CREATE INDEX event_time ON event (time_last);

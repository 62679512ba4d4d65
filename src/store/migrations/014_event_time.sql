-- The (identifier, time_source) index goes: no query could use it (listings
-- filter on the type through an optional parameter SQLite cannot match to an
-- index, and sort and window by time), the situational picture's counts read
-- event_last_seen and event_first_seen (migration 012) instead, and each
-- insert landed in a random place of it: a fifth of a bulk ingest's time.
DROP INDEX event_type;

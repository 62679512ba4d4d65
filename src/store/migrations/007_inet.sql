-- 007_inet: on PostgreSQL, events are found by prefix through inet and a GiST
-- index (kcert event list --address 192.0.2.0/24, the API's address=). SQLite
-- answers the same query with the function kc_in_prefix (src/store/sqlite.c).

-- @engine postgresql
CREATE INDEX event_source_inet ON event USING gist ((CAST(source_ip AS inet)) inet_ops);
-- @engine all

-- 018_finding_rating: the situational picture counts open and accepted
-- findings per organisation, severity and check (the rating of every
-- municipality, findings by severity, the most exposed checks). With 100,000
-- findings the (org_id, status) index made those counts look up every row
-- (bench/picture: the dashboard 209 ms); this covering index answers them
-- from the index alone (124 ms).
CREATE INDEX finding_rating ON finding (status, org_id, severity, check_id);

-- 017_finding_digest: medium and low findings go to the organisation's
-- contacts in a daily findings notice; digest_at is when the finding's
-- current opening went into one (NULL: not yet; reset when it reopens).
ALTER TABLE finding ADD COLUMN digest_at TEXT;
CREATE INDEX finding_digest ON finding (org_id, status, digest_at);

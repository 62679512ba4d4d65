-- 008_situation: the national threat level an analyst sets (1 low - 5
-- critical), with its rationale; every change is kept, the newest counts.

CREATE TABLE threat_level (
	id @PK@,
	level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
	rationale TEXT NOT NULL,
	set_by TEXT NOT NULL,
	set_at TEXT NOT NULL
);

-- Each knowledge-retention baseline carries its follow-up for the default minimum gap (60 days,
-- KnowledgeRetention.defaultMinDays): the learner's first assessment score at least 60 days
-- after the baseline (ties in time broken by seq), recomputed by the writer for the pairs a
-- write, a voiding or an erasure touches. Other gaps are looked up per request.
ALTER TABLE retention_baseline ADD COLUMN follow_at BIGINT;
ALTER TABLE retention_baseline ADD COLUMN follow_seq BIGINT;
ALTER TABLE retention_baseline ADD COLUMN follow_score DOUBLE PRECISION;

UPDATE retention_baseline b SET (follow_at, follow_seq, follow_score) = (
    SELECT e.at_ms, e.seq, e.score FROM skill_events e
    WHERE e.skill = b.skill AND e.agent_id = b.agent_id AND e.kind & 1 != 0 AND e.at_ms >= b.at_ms + 5184000000
    ORDER BY e.at_ms, e.seq LIMIT 1);

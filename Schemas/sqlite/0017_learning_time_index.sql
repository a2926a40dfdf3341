-- Learning events by time, for the dashboard's statement volume (counts per day in a date
-- range, by team) and the span of the stored data (its first and last day).
CREATE INDEX learning_events_at ON learning_events (at_ms, agent_id);

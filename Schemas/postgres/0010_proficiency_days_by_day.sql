-- The proficiency trend (GET /analytics/proficiency/trend) sums, for each month's end, the
-- per-day rows of the last span before it: by day, not by (skill, team, level).
CREATE INDEX proficiency_days_day ON proficiency_days (day);

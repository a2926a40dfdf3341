-- Each standing carries its learner's roster team (NULL: in none), set when the standing is
-- written and again whenever the roster is replaced, so that the proficiency report sums one
-- table instead of joining every standing to its learner and the roster.
ALTER TABLE proficiency ADD COLUMN team TEXT;

UPDATE proficiency p SET team = r.team FROM agents a JOIN roster r ON r.agent = a.ifi WHERE a.id = p.agent_id;

-- The link tables mark each statement's actor and object (role), so that they answer the agent
-- and activity filters alone and the writer keeps two fewer indexes on `statements`: every
-- index keyed by an agent or activity costs the writer one more page written per statement.
-- statement_agents.role: 1 actor, 2 object, 3 both, 0 any other mention.
-- statement_activities.role: 1 object, 0 any other mention.
ALTER TABLE statement_agents ADD COLUMN role INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statement_activities ADD COLUMN role INTEGER NOT NULL DEFAULT 0;

UPDATE statement_agents SET role = (
    SELECT (s.actor_id IS statement_agents.agent_id) | ((s.object_agent_id IS statement_agents.agent_id) << 1)
    FROM statements s WHERE s.seq = statement_agents.seq);
UPDATE statement_activities SET role = (
    SELECT s.object_activity_id IS statement_activities.activity_id
    FROM statements s WHERE s.seq = statement_activities.seq);

DROP INDEX statements_actor;
DROP INDEX statements_object_agent;
DROP INDEX statements_activity;

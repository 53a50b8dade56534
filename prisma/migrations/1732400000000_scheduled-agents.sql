-- Up Migration
-- Scheduled agents: a cron expression (5 fields, UTC) that creates a run at every tick. Postgres is the source
-- of truth; the BullMQ job schedulers that fire them are rebuilt from this table (Redis may lose them).

CREATE TABLE scheduled_agents (
  id text PRIMARY KEY,
  team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE ON UPDATE CASCADE,
  -- Personal schedules (scope User) belong to this user; null = a team schedule.
  owner_user_id text,
  name text NOT NULL,
  cron_schedule text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  prompt text NOT NULL DEFAULT '',
  agent_config jsonb NOT NULL DEFAULT '{}',
  agent_uid text,
  metadata jsonb NOT NULL DEFAULT '{}',
  mode text NOT NULL DEFAULT 'normal',
  created_by text NOT NULL,
  updated_by text NOT NULL,
  -- The last run a tick created, and the last tick handled at all (spawned or refused).
  last_ran_at timestamptz(3),
  last_tick_at timestamptz(3),
  last_spawn_error text,
  -- When the schedule was last created or resumed: a tick before it is never caught up.
  enabled_at timestamptz(3) NOT NULL DEFAULT now(),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX scheduled_agents_team_id_name_idx ON scheduled_agents (team_id, name);

-- Runs a schedule created: the `schedule_id` filter of the run list.
CREATE INDEX runs_team_id_schedule_id_updated_at_idx ON runs (team_id, schedule_id, updated_at DESC);

-- Every run has a session (its live view) from the start; the redirect helpers look runs up by either id.
UPDATE runs SET session_id = gen_random_uuid() WHERE session_id IS NULL;
ALTER TABLE runs ALTER COLUMN session_id SET DEFAULT gen_random_uuid();
ALTER TABLE runs ALTER COLUMN session_id SET NOT NULL;
CREATE UNIQUE INDEX runs_session_id_key ON runs (session_id);
CREATE INDEX runs_conversation_id_idx ON runs (conversation_id);

-- Down Migration
DROP INDEX IF EXISTS runs_conversation_id_idx;
DROP INDEX IF EXISTS runs_session_id_key;
ALTER TABLE runs ALTER COLUMN session_id DROP NOT NULL;
ALTER TABLE runs ALTER COLUMN session_id DROP DEFAULT;
DROP INDEX IF EXISTS runs_team_id_schedule_id_updated_at_idx;
DROP TABLE IF EXISTS scheduled_agents;

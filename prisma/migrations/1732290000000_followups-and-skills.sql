-- Up Migration
-- Follow-ups (contract §2.9) and skills (§2.1, §3.2.1).

ALTER TABLE runs ADD COLUMN execution_started_at timestamptz(3);
ALTER TABLE runs ADD COLUMN agent_skill jsonb;
-- Runs started before this migration: their only execution started when the run did.
UPDATE runs SET execution_started_at = started_at WHERE started_at IS NOT NULL;

CREATE TABLE run_followups (
  id uuid PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE ON UPDATE CASCADE,
  message text NOT NULL,
  mode text NOT NULL DEFAULT 'normal',
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  delivered_at timestamptz(3)
);
CREATE INDEX run_followups_run_id_created_at_idx ON run_followups (run_id, created_at);

CREATE TABLE run_conversations (
  run_id uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE ON UPDATE CASCADE,
  messages jsonb NOT NULL,
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE IF EXISTS run_conversations, run_followups;
ALTER TABLE runs DROP COLUMN IF EXISTS agent_skill, DROP COLUMN IF EXISTS execution_started_at;

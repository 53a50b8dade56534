-- Up Migration
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TYPE "MemberRole" AS ENUM ('admin', 'member');
CREATE TYPE "RunState" AS ENUM ('QUEUED', 'PENDING', 'CLAIMED', 'INPROGRESS', 'SUCCEEDED', 'FAILED', 'BLOCKED', 'ERROR', 'CANCELLED');
CREATE TYPE "PrincipalKind" AS ENUM ('user', 'service_account');

CREATE TABLE teams (
  id text PRIMARY KEY,
  name text NOT NULL,
  agent_limit integer,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id text PRIMARY KEY,
  email text NOT NULL,
  display_name text NOT NULL,
  password_hash text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE memberships (
  team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE ON UPDATE CASCADE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  role "MemberRole" NOT NULL DEFAULT 'member',
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX memberships_user_id_idx ON memberships (user_id);

CREATE TABLE agents (
  id text PRIMARY KEY,
  team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE ON UPDATE CASCADE,
  name text NOT NULL,
  is_default boolean NOT NULL DEFAULT false,
  enabled boolean NOT NULL DEFAULT true,
  description text,
  prompt text,
  agent_type text,
  base_model text,
  base_harness text,
  harness jsonb,
  harness_auth_secrets jsonb,
  inference_providers jsonb,
  credential_strategy text,
  default_runner_uid text,
  environment_id text,
  factory_uid text,
  mcp_servers jsonb,
  memory jsonb,
  on_behalf_of_enabled boolean NOT NULL DEFAULT false,
  secrets text[] NOT NULL DEFAULT '{}',
  skills text[] NOT NULL DEFAULT '{}',
  worker_host text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at timestamptz(3)
);
CREATE INDEX agents_team_id_created_at_idx ON agents (team_id, created_at);
-- Exactly one default agent per team (contract §1.11).
CREATE UNIQUE INDEX agents_one_default_per_team ON agents (team_id) WHERE is_default;

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE ON UPDATE CASCADE,
  name text NOT NULL,
  key_hash text NOT NULL,
  key_suffix text NOT NULL,
  user_id text REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  agent_id text REFERENCES agents (id) ON DELETE CASCADE ON UPDATE CASCADE,
  created_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3),
  last_used_at timestamptz(3),
  revoked_at timestamptz(3),
  CONSTRAINT api_keys_one_owner CHECK ((user_id IS NULL) <> (agent_id IS NULL))
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_team_id_created_at_idx ON api_keys (team_id, created_at);

CREATE TABLE web_sessions (
  id text PRIMARY KEY,
  token_hash text NOT NULL,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  team_id text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL
);
CREATE UNIQUE INDEX web_sessions_token_hash_key ON web_sessions (token_hash);

CREATE TABLE environments (
  id text PRIMARY KEY,
  team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE ON UPDATE CASCADE,
  name text NOT NULL,
  description text,
  docker_image text NOT NULL,
  repos jsonb NOT NULL DEFAULT '[]',
  setup_commands text[] NOT NULL DEFAULT '{}',
  network text NOT NULL DEFAULT 'bridge',
  cpus double precision,
  memory_mb integer,
  pids_limit integer,
  secrets text[] NOT NULL DEFAULT '{}',
  failure_retention_minutes integer,
  setup_failed boolean NOT NULL DEFAULT false,
  created_by text,
  updated_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at timestamptz(3)
);
CREATE INDEX environments_team_id_updated_at_idx ON environments (team_id, updated_at);

CREATE TABLE runs (
  id uuid PRIMARY KEY,
  team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE ON UPDATE CASCADE,
  owner_user_id text,
  title text NOT NULL,
  prompt text NOT NULL,
  state "RunState" NOT NULL DEFAULT 'QUEUED',
  source text NOT NULL DEFAULT 'API',
  execution_location text NOT NULL DEFAULT 'REMOTE',
  creator_kind "PrincipalKind" NOT NULL,
  creator_id text NOT NULL,
  executor_kind "PrincipalKind" NOT NULL,
  executor_id text NOT NULL,
  environment_id text,
  agent_config jsonb NOT NULL,
  config_name text,
  model_id text,
  skill_spec text,
  worker_host text,
  schedule_id text,
  schedule jsonb,
  parent_run_id uuid,
  conversation_id uuid NOT NULL,
  session_id uuid,
  mode text NOT NULL DEFAULT 'normal',
  interactive boolean NOT NULL DEFAULT false,
  metadata jsonb NOT NULL DEFAULT '{}',
  attachments jsonb NOT NULL DEFAULT '[]',
  status_message jsonb,
  request_usage jsonb,
  is_sandbox_running boolean NOT NULL DEFAULT false,
  run_time_ms bigint NOT NULL DEFAULT 0,
  idempotency_key text,
  enqueued_at timestamptz(3),
  worker_id text,
  lease_expires_at timestamptz(3),
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  started_at timestamptz(3),
  ended_at timestamptz(3)
);
CREATE UNIQUE INDEX runs_team_id_idempotency_key_key ON runs (team_id, idempotency_key);
-- Keyset pagination: every sort of GET /agent/runs walks one of these, so page N costs what page 1 does.
CREATE INDEX runs_team_id_updated_at_id_idx ON runs (team_id, updated_at DESC, id DESC);
CREATE INDEX runs_team_id_created_at_id_idx ON runs (team_id, created_at DESC, id DESC);
CREATE INDEX runs_team_id_state_updated_at_id_idx ON runs (team_id, state, updated_at DESC, id DESC);
CREATE INDEX runs_team_id_title_id_idx ON runs (team_id, title, id);
CREATE INDEX runs_team_id_skill_spec_id_idx ON runs (team_id, skill_spec, id);
CREATE INDEX runs_team_id_creator_id_updated_at_idx ON runs (team_id, creator_id, updated_at DESC);
CREATE INDEX runs_team_id_environment_id_updated_at_idx ON runs (team_id, environment_id, updated_at DESC);
CREATE INDEX runs_parent_run_id_idx ON runs (parent_run_id);
CREATE INDEX runs_state_lease_expires_at_idx ON runs (state, lease_expires_at);
-- Not expressible in schema.prisma: metadata containment and fuzzy text search (q).
CREATE INDEX runs_metadata_gin ON runs USING gin (metadata jsonb_path_ops);
CREATE INDEX runs_search_trgm ON runs USING gin ((title || ' ' || prompt || ' ' || coalesce(skill_spec, '')) gin_trgm_ops);
-- Outbox: accepted runs not yet handed to the queue.
CREATE INDEX runs_not_enqueued_idx ON runs (created_at) WHERE enqueued_at IS NULL AND state = 'QUEUED';

CREATE TABLE run_events (
  id bigserial PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE ON UPDATE CASCADE,
  seq integer NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX run_events_run_id_seq_key ON run_events (run_id, seq);

CREATE TABLE artifacts (
  id uuid PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE ON UPDATE CASCADE,
  team_id text NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  storage_key text,
  is_public boolean NOT NULL DEFAULT false,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX artifacts_run_id_idx ON artifacts (run_id);
CREATE INDEX artifacts_team_id_type_idx ON artifacts (team_id, type);

CREATE TABLE secrets (
  id text PRIMARY KEY,
  team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE ON UPDATE CASCADE,
  name text NOT NULL,
  description text,
  ciphertext bytea NOT NULL,
  created_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX secrets_team_id_name_key ON secrets (team_id, name);

-- Down Migration
DROP TABLE IF EXISTS secrets, artifacts, run_events, runs, environments, web_sessions, api_keys, agents, memberships, users, teams;
DROP TYPE IF EXISTS "PrincipalKind", "RunState", "MemberRole";

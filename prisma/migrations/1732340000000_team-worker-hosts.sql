-- Up Migration
-- Self-hosted worker pools belong to teams: a run may name only a worker host its team registered.
-- A host name is one queue (`oz-runs-host-<host>`) shared by every worker serving it, so a name belongs to
-- at most one team: otherwise one team's runs would execute on another team's machines.

CREATE TABLE team_worker_hosts (
  host text PRIMARY KEY,
  team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE ON UPDATE CASCADE,
  created_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX team_worker_hosts_team_id_idx ON team_worker_hosts (team_id);

-- Down Migration
DROP TABLE IF EXISTS team_worker_hosts;

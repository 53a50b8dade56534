-- Up Migration
-- Accounts: the first-admin setup link, invitations, and instance administrators (apps/api/src/setup,
-- apps/api/src/invites, apps/api/src/teams).

-- May create teams and invite their first admins; the first admin of an instance is one.
ALTER TABLE users ADD COLUMN instance_admin boolean NOT NULL DEFAULT false;

-- The one-time link that creates the first admin. At most one row, so API processes starting together agree
-- on a single token (the first to insert wins); only the token's hash is kept.
CREATE TABLE setup_tokens (
  id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  token_hash text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL,
  used_at timestamptz(3)
);

-- An invitation to join a team: a single-use link (only its hash stored) that expires.
CREATE TABLE invites (
  id text PRIMARY KEY,
  team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE ON UPDATE CASCADE,
  email text NOT NULL,
  role "MemberRole" NOT NULL DEFAULT 'member',
  token_hash text NOT NULL,
  invited_by text REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL,
  accepted_at timestamptz(3),
  revoked_at timestamptz(3)
);
CREATE UNIQUE INDEX invites_token_hash_key ON invites (token_hash);
CREATE INDEX invites_team_id_created_at_idx ON invites (team_id, created_at);

-- Down Migration
DROP TABLE IF EXISTS invites, setup_tokens;
ALTER TABLE users DROP COLUMN IF EXISTS instance_admin;

-- Up Migration
-- Federated identity tokens (apps/api/src/federation) and team spending budgets (packages/runs/src/team-budget.ts).

-- The OIDC issuer's signing keys. The private key is encrypted with the master key; a retired key stops signing
-- but stays published in the JWKS until `expires_at`, when every token it signed has expired.
CREATE TABLE oidc_signing_keys (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  public_jwk jsonb NOT NULL,
  private_key_ciphertext bytea NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  retired_at timestamptz(3),
  expires_at timestamptz(3)
);

-- The run-scoped credential of a run's current execution (only its hash): a process in the run's sandbox
-- presents it to obtain federated tokens, and it works only while the run executes.
CREATE TABLE run_credentials (
  run_id uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE ON UPDATE CASCADE,
  token_hash text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX run_credentials_token_hash_key ON run_credentials (token_hash);

-- A team's monthly spending limit (inference cost, calendar month in UTC); no row = no limit.
CREATE TABLE team_budgets (
  team_id text PRIMARY KEY REFERENCES teams (id) ON DELETE CASCADE ON UPDATE CASCADE,
  monthly_limit_usd numeric(14, 2) NOT NULL,
  updated_by text,
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE IF EXISTS team_budgets;
DROP TABLE IF EXISTS run_credentials;
DROP TABLE IF EXISTS oidc_signing_keys;

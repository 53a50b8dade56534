-- Up Migration
-- API processes cache the principal behind each API key (packages/auth/src/principal-cache.ts). Any change to
-- a row a principal is built from announces itself on channel `oz_principals`, from a trigger, so every
-- writer (API, worker, an operator's psql) is covered and the announcement is sent only if, and when, the
-- change commits. The payload says which cached principals are affected: `team:<id>`, `user:<id>` or `*`.
-- INSERTs announce nothing: only keys that authenticated are cached, and a new row cannot change those
-- (each join of the principal query is on a primary key).

CREATE FUNCTION oz_announce_principal_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('oz_principals', '*');
  ELSIF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('oz_principals', 'user:' || OLD.id);
  ELSIF TG_TABLE_NAME = 'teams' THEN
    PERFORM pg_notify('oz_principals', 'team:' || OLD.id);
  ELSE
    PERFORM pg_notify('oz_principals', 'team:' || OLD.team_id);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_principal_change AFTER DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION oz_announce_principal_change();
-- `last_used_at` is bookkeeping the API writes at most once a minute per key; it changes no principal.
CREATE TRIGGER api_keys_principal_update AFTER UPDATE ON api_keys
  FOR EACH ROW WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at'))
  EXECUTE FUNCTION oz_announce_principal_change();
CREATE TRIGGER teams_principal_change AFTER UPDATE OR DELETE ON teams
  FOR EACH ROW EXECUTE FUNCTION oz_announce_principal_change();
CREATE TRIGGER users_principal_change AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION oz_announce_principal_change();
CREATE TRIGGER memberships_principal_change AFTER UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION oz_announce_principal_change();
CREATE TRIGGER agents_principal_change AFTER UPDATE OR DELETE ON agents
  FOR EACH ROW EXECUTE FUNCTION oz_announce_principal_change();

CREATE TRIGGER api_keys_principal_truncate AFTER TRUNCATE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION oz_announce_principal_change();
CREATE TRIGGER teams_principal_truncate AFTER TRUNCATE ON teams
  FOR EACH STATEMENT EXECUTE FUNCTION oz_announce_principal_change();
CREATE TRIGGER users_principal_truncate AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION oz_announce_principal_change();
CREATE TRIGGER memberships_principal_truncate AFTER TRUNCATE ON memberships
  FOR EACH STATEMENT EXECUTE FUNCTION oz_announce_principal_change();
CREATE TRIGGER agents_principal_truncate AFTER TRUNCATE ON agents
  FOR EACH STATEMENT EXECUTE FUNCTION oz_announce_principal_change();

-- Down Migration
DROP TRIGGER IF EXISTS api_keys_principal_change ON api_keys;
DROP TRIGGER IF EXISTS api_keys_principal_update ON api_keys;
DROP TRIGGER IF EXISTS teams_principal_change ON teams;
DROP TRIGGER IF EXISTS users_principal_change ON users;
DROP TRIGGER IF EXISTS memberships_principal_change ON memberships;
DROP TRIGGER IF EXISTS agents_principal_change ON agents;
DROP TRIGGER IF EXISTS api_keys_principal_truncate ON api_keys;
DROP TRIGGER IF EXISTS teams_principal_truncate ON teams;
DROP TRIGGER IF EXISTS users_principal_truncate ON users;
DROP TRIGGER IF EXISTS memberships_principal_truncate ON memberships;
DROP TRIGGER IF EXISTS agents_principal_truncate ON agents;
DROP FUNCTION IF EXISTS oz_announce_principal_change();

-- The service runs as a member of "callpass_runtime", a role that owns nothing: it reads and writes what it must,
-- only appends to the two logs, and, not owning any table, cannot alter one or disable its triggers. Migrations run
-- as the tables' owner. The role is cluster-wide: created here unless an administrator made it already (a
-- migrating role without CREATEROLE needs that: `CREATE ROLE callpass_runtime NOLOGIN`).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callpass_runtime') THEN
    CREATE ROLE "callpass_runtime" NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object THEN
  NULL; -- another database's migration created it at the same moment
END
$$;

GRANT USAGE ON SCHEMA public TO "callpass_runtime";

GRANT SELECT, INSERT, UPDATE, DELETE ON
  "tenants", "api_keys", "provider_accounts", "endpoints", "provider_sessions",
  "end_user_issuers", "end_user_jwks_status", "end_user_sessions", "end_user_revocations"
TO "callpass_runtime";

-- The logs: appended to and read, never changed (their triggers refuse that too, but an owner could disable them).
GRANT SELECT, INSERT ON "token_issuances", "audit_events" TO "callpass_runtime";
-- Heads move forward (a trigger checks how); they are never removed.
GRANT SELECT, INSERT, UPDATE ON "chain_heads" TO "callpass_runtime";
-- Written once, by the migration that started the chains.
GRANT SELECT ON "chain_starts" TO "callpass_runtime";

-- Tables later migrations create are readable and writable by the service unless the migration says otherwise
-- (a new log must REVOKE UPDATE, DELETE on itself).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "callpass_runtime";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "callpass_runtime";

-- dbpool's own role: see README "PostgreSQL role". Run with psql 15+:
--   psql -v ON_ERROR_STOP=1 -v password="$DBPOOL_DB_PASSWORD" -f deploy/dbpool-role.sql
-- The password is psql's variable `password`, else the environment variable DBPOOL_DB_PASSWORD:
-- docker-compose.example.yml passes that to the postgres container, whose entrypoint runs this file.
-- It must be the password in dbpool's DATABASE_URL. Change it later with \password dbpool.
\if :{?password}
\else
  \getenv password DBPOOL_DB_PASSWORD
\endif
\if :{?password}
  SELECT :'password' = '' AS dbpool_password_empty \gset
\else
  \set dbpool_password_empty true
\endif
\if :dbpool_password_empty
  DO $$ BEGIN RAISE EXCEPTION 'dbpool-role.sql needs a password: psql -v password=... or DBPOOL_DB_PASSWORD'; END $$;
\else
  -- CONNECTION LIMIT: each replica holds its monitoring connection, and a second one for the leader
  -- lock when it posts a summary or warnings (2); two replicas and a CLI run make 5, plus one for a
  -- reconnect whose old session has not ended yet.
  CREATE ROLE dbpool LOGIN PASSWORD :'password' CONNECTION LIMIT 6 IN ROLE pg_monitor, pg_signal_backend;
\endif
\unset password
-- PostgreSQL 16+: may use the slots kept by reserved_connections, so dbpool gets in when the app has taken the rest.
DO $$ BEGIN
  IF current_setting('server_version_num')::int >= 160000 THEN
    EXECUTE 'GRANT pg_use_reserved_connections TO dbpool';
  END IF;
END $$;

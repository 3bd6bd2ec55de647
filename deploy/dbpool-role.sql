-- dbpool's own role: see README "PostgreSQL role". Replace the password, or set it afterwards with \password dbpool.
CREATE ROLE dbpool LOGIN PASSWORD 'change-me' CONNECTION LIMIT 3 IN ROLE pg_monitor, pg_signal_backend;
-- PostgreSQL 16+: may use the slots kept by reserved_connections, so dbpool gets in when the app has taken the rest.
DO $$ BEGIN
  IF current_setting('server_version_num')::int >= 160000 THEN
    EXECUTE 'GRANT pg_use_reserved_connections TO dbpool';
  END IF;
END $$;

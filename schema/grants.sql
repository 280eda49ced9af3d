-- The database and its accounts for a production install (README
-- "Deployment").  Run once as MariaDB's administrator:
--
--	mariadb < /usr/local/share/tucai/schema/grants.sql
--
-- tucai (the programs, running as the system user tucai) connects over
-- the unix socket and is known by that socket: MariaDB's unix_socket
-- authentication, no password to keep.  It may read and change rows, and
-- nothing else: no CREATE, ALTER, DROP, no GRANT, no FILE.  The schema
-- belongs to the administrator account that runs `tucai migrate`
-- (DB.AdminUser, default root, over the same socket: `sudo tucai migrate`).
--
-- App hosts that reach the database over the network (a second host, a
-- Galera cluster) cannot use the socket: there, replace the CREATE USER
-- below by the commented one, with a long random password that goes into
-- DB.Password of /etc/tucai.hdf (tucai init-config makes one), and use
-- TLS between the hosts.
CREATE DATABASE IF NOT EXISTS tucai CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE USER IF NOT EXISTS 'tucai'@'localhost' IDENTIFIED VIA unix_socket;
-- CREATE USER IF NOT EXISTS 'tucai'@'10.0.0.%' IDENTIFIED BY 'the DB.Password of tucai.hdf' REQUIRE SSL;

GRANT SELECT, INSERT, UPDATE, DELETE ON tucai.* TO 'tucai'@'localhost';
-- GRANT SELECT, INSERT, UPDATE, DELETE ON tucai.* TO 'tucai'@'10.0.0.%';

-- The backup (tucai backup) runs as root over the socket too; nothing
-- more is needed for it.

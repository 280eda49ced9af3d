-- Roster files uploaded in the admin web between the preview and the
-- commit (issue 4).  The file stays on the server, tied to the uploading
-- session (skey, as in session) and user, so the commit never trusts a
-- copy sent back by the browser.  Rows are removed on commit; older than an
-- hour they are refused (and removed by the next upload).
CREATE TABLE roster_upload (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  skey        BINARY(32) NOT NULL,
  user_id     BIGINT UNSIGNED NOT NULL,
  task_id     BIGINT UNSIGNED NOT NULL,
  data        MEDIUMBLOB NOT NULL,
  created_at  DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY roster_upload_at (created_at),
  FOREIGN KEY (task_id) REFERENCES task (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

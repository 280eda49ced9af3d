-- “Ask the teacher” leads somewhere (issue 11).  A task names the
-- school's teacher the student pages point to.  A student's report — a
-- 采集码 not on the roster, or wrong 学籍 data seen on the confirm page —
-- waits in the teacher's queue; the answer reaches the student's home
-- page.  student_id is known for data_error; for not_on_roster only the
-- session that sent it (skey, the sha256 of its cookie) and the name the
-- student typed.
ALTER TABLE task
  ADD COLUMN contact_name VARCHAR(64) NULL,
  ADD COLUMN contact_phone VARCHAR(32) NULL;

CREATE TABLE report (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  task_id      BIGINT UNSIGNED NOT NULL,
  student_id   BIGINT UNSIGNED NULL,
  skey         BINARY(32) NOT NULL,
  kind         ENUM('not_on_roster','data_error') NOT NULL,
  name         VARCHAR(64) NOT NULL DEFAULT '',
  code         VARCHAR(64) NOT NULL DEFAULT '',
  message      VARCHAR(500) NOT NULL DEFAULT '',
  state        ENUM('open','answered') NOT NULL DEFAULT 'open',
  answer       VARCHAR(500) NULL,
  answered_by  VARCHAR(64) NULL,
  answered_at  DATETIME NULL,
  created_at   DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY report_task (task_id, state),
  KEY report_student (student_id),
  KEY report_skey (skey),
  FOREIGN KEY (task_id) REFERENCES task (id),
  FOREIGN KEY (student_id) REFERENCES student (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

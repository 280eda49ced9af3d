-- PIPL (个人信息保护法; issue 11, item 10): the student's separate consent
-- to the ID-card photo, the operator's photos.zip exports, and the purge of
-- a closed task's ID-card photos and full ID numbers.  Written to be run
-- again after a failure half-way (MariaDB's DDL is not transactional).

-- A student's separate consent (单独同意, PIPL Art. 29) to the collection
-- of the ID-card photo, a sensitive personal information: given by ticking
-- a box, never ticked in advance, on /idcard under the notice of
-- templates/student/idcard.cs.  notice_version names the notice the
-- student saw (Privacy.NoticeVersion, tucai.hdf(5)).  Kept after the purge:
-- it holds no personal data besides the link to the student, and it is
-- the proof that the photo was taken lawfully.
CREATE TABLE IF NOT EXISTS idcard_consent (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  student_id      BIGINT UNSIGNED NOT NULL,
  task_id         BIGINT UNSIGNED NOT NULL,
  notice_version  VARCHAR(32) NOT NULL,
  given_at        DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY idcard_consent_student (student_id),
  KEY idcard_consent_task (task_id),
  FOREIGN KEY (student_id) REFERENCES student (id),
  FOREIGN KEY (task_id) REFERENCES task (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each ID-card photo names the consent it was uploaded under (NULL for
-- photos stored before this migration).
ALTER TABLE idcard
  ADD COLUMN IF NOT EXISTS consent_id BIGINT UNSIGNED NULL AFTER student_id,
  ADD CONSTRAINT idcard_consent_fk FOREIGN KEY IF NOT EXISTS idcard_consent_fk
    (consent_id) REFERENCES idcard_consent (id);

-- The operator's photos.zip of a whole task (no class filter), written
-- once the archive went out complete.  The archive names each photo by
-- the student's ID number, which the purge masks; so the purge waits until
-- an export holds the task's newest photo: last_photo_id >= every photo id
-- of the task.  (Photo ids, not times: a photo stored in the second the
-- export started is still told apart.)
CREATE TABLE IF NOT EXISTS photo_export (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  task_id        BIGINT UNSIGNED NOT NULL,
  user_id        BIGINT UNSIGNED NULL,
  last_photo_id  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  photos         INT UNSIGNED NOT NULL DEFAULT 0,
  at             DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY photo_export_task (task_id, last_photo_id),
  FOREIGN KEY (task_id) REFERENCES task (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- When `tucai purge` (or the sweep) removed the task's ID-card photos and
-- masked its ID numbers; NULL before.
ALTER TABLE task ADD COLUMN IF NOT EXISTS purged_at DATETIME NULL AFTER closed_at;

-- A masked ID number ("110***********123X") is no longer one person's:
-- two students of a task may share the masked form.  The key of 005 (one
-- person, one student of a task) now holds for the real numbers only:
-- idnum_masked is 0 while the number is real and the student's own id
-- once the purge masked it.  (Not a generated column: MariaDB refuses
-- string functions of a CHAR column in one.)
ALTER TABLE student
  ADD COLUMN IF NOT EXISTS idnum_masked BIGINT UNSIGNED NOT NULL DEFAULT 0
    AFTER id_number,
  DROP KEY IF EXISTS student_idnum,
  ADD UNIQUE KEY student_idnum (task_id, id_number, idnum_masked);

-- PIPL (个人信息保护法; issue 11, item 10): the student's separate consent
-- to the ID-card photo, the operator's photos.zip exports, and the purge of
-- a closed task's ID-card photos and full ID numbers.

-- A student's separate consent (单独同意, PIPL Art. 29) to the collection
-- of the ID-card photo, a sensitive personal information: given by ticking
-- a box, never ticked in advance, on /idcard under the notice of
-- templates/student/idcard.cs.  notice_version names the notice the
-- student saw (Privacy.NoticeVersion, tucai.hdf(5)).  Kept after the purge:
-- it holds no personal data besides the link to the student, and it is
-- the proof that the photo was taken lawfully.
CREATE TABLE idcard_consent (
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
  ADD COLUMN consent_id BIGINT UNSIGNED NULL AFTER student_id,
  ADD FOREIGN KEY (consent_id) REFERENCES idcard_consent (id);

-- The operator's photos.zip of a whole task (no class filter), written
-- once the archive went out complete.  The archive names each photo by
-- the student's ID number, which the purge masks; so the purge waits until
-- an export holds the task's newest photo: last_photo_id >= every photo id
-- of the task.  (Photo ids, not times: a photo stored in the second the
-- export started is still told apart.)
CREATE TABLE photo_export (
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
ALTER TABLE task ADD COLUMN purged_at DATETIME NULL AFTER closed_at;

-- A masked ID number ("110***********123X") is no longer one person's:
-- two students of a task may share the masked form.  The key of 005 (one
-- person, one student of a task) now holds for the unmasked numbers only;
-- real ID numbers never contain '*' (idnum_check).
ALTER TABLE student
  ADD COLUMN idnum_key CHAR(18) AS
    (IF(LOCATE('*', id_number) > 0, NULL, id_number)) PERSISTENT,
  DROP KEY student_idnum,
  ADD UNIQUE KEY student_idnum (task_id, idnum_key);

-- tucai schema, version 1.
-- InnoDB, utf8mb4.  Money is in fen (integer cents).  DATETIME columns are
-- UTC; task windows are Asia/Shanghai calendar dates.  Migrations after this
-- one are numbered files (002-*.sql ...) applied in order by `tucai migrate`,
-- which records each in schema_migration.

-- Which migrations have been applied.
CREATE TABLE IF NOT EXISTS schema_migration (
  version     INT UNSIGNED NOT NULL PRIMARY KEY,
  name        VARCHAR(200) NOT NULL,
  applied_at  DATETIME NOT NULL DEFAULT UTC_TIMESTAMP()
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A university (学校), identified by its national school code (学校代码).
CREATE TABLE school (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code        VARCHAR(16)  NOT NULL UNIQUE,
  name        VARCHAR(100) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A collection task (采集任务) of one school: the code students type, the
-- collection window (first_day..last_day, inclusive, Asia/Shanghai), the fee,
-- the booking notice (预约须知) and the photo size limit.
CREATE TABLE task (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code              VARCHAR(32)  NOT NULL UNIQUE,
  school_id         BIGINT UNSIGNED NOT NULL,
  title             VARCHAR(200) NOT NULL,
  first_day         DATE NOT NULL,
  last_day          DATE NOT NULL,
  fee_fen           INT UNSIGNED NOT NULL DEFAULT 0,
  notice            TEXT NOT NULL,
  require_id_photo  TINYINT(1) NOT NULL DEFAULT 0,
  is_open           TINYINT(1) NOT NULL DEFAULT 1,
  photo_max_kb      INT UNSIGNED NOT NULL DEFAULT 40,
  closed_at         DATETIME NULL,
  created_at        DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  CONSTRAINT task_window CHECK (last_day >= first_day),
  FOREIGN KEY (school_id) REFERENCES school (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A bookable time slot.  `booked` counts the active bookings on it and is
-- only ever changed by a conditional UPDATE in the same transaction as the
-- booking row; the CHECK makes overselling impossible.
CREATE TABLE slot (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  task_id     BIGINT UNSIGNED NOT NULL,
  starts_at   DATETIME NOT NULL,
  ends_at     DATETIME NOT NULL,
  capacity    INT UNSIGNED NOT NULL,
  booked      INT UNSIGNED NOT NULL DEFAULT 0,
  CONSTRAINT slot_seats CHECK (booked <= capacity),
  CONSTRAINT slot_span CHECK (ends_at > starts_at),
  UNIQUE KEY slot_start (task_id, starts_at),
  FOREIGN KEY (task_id) REFERENCES task (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A student of a task's roster (学籍 data), keyed by the 学信网 采集码.
-- id_number is personal information: shown masked except to teachers and
-- operators on the record page; never logged.
CREATE TABLE student (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  task_id       BIGINT UNSIGNED NOT NULL,
  collect_code  VARCHAR(64)  NOT NULL,
  name          VARCHAR(64)  NOT NULL,
  id_number     CHAR(18)     NOT NULL,
  student_no    VARCHAR(32)  NOT NULL,
  edu_category  VARCHAR(32)  NOT NULL,
  edu_level     VARCHAR(32)  NOT NULL,
  class_name    VARCHAR(64)  NOT NULL,
  updated_at    DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY student_code (task_id, collect_code),
  KEY student_no (task_id, student_no),
  KEY student_class (task_id, class_name),
  FOREIGN KEY (task_id) REFERENCES task (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A student's booking.  States: held -> booked -> checked_in -> collected;
-- held/booked -> cancelled | expired.  active_student is the student id
-- while the booking is active and NULL otherwise, so the unique key allows
-- at most one active booking per student.  token is the opaque 预约二维码
-- payload (128 random bits, hex).  shot_no is the 拍摄号 of the day.
CREATE TABLE booking (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  task_id          BIGINT UNSIGNED NOT NULL,
  student_id       BIGINT UNSIGNED NOT NULL,
  slot_id          BIGINT UNSIGNED NULL,
  state            ENUM('held','booked','checked_in','collected','cancelled','expired') NOT NULL,
  active_student   BIGINT UNSIGNED AS
                   (IF(state IN ('held','booked','checked_in','collected'), student_id, NULL)) PERSISTENT,
  token            CHAR(32) NOT NULL,
  walkin           TINYINT(1) NOT NULL DEFAULT 0,
  hold_expires_at  DATETIME NULL,
  shot_day         DATE NULL,
  shot_no          INT UNSIGNED NULL,
  checked_in_at    DATETIME NULL,
  collected_at     DATETIME NULL,
  cancelled_at     DATETIME NULL,
  cancel_reason    VARCHAR(64) NULL,
  created_at       DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY booking_active (active_student),
  UNIQUE KEY booking_token (token),
  UNIQUE KEY booking_shot (task_id, shot_day, shot_no),
  KEY booking_state (task_id, state),
  KEY booking_slot (slot_id, state),
  FOREIGN KEY (task_id) REFERENCES task (id),
  FOREIGN KEY (student_id) REFERENCES student (id),
  FOREIGN KEY (slot_id) REFERENCES slot (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A payment for a booking.  States: created -> authorized (frozen) ->
-- captured | voided; failed; lapsed (the hold expired at the bank);
-- onsite (collected by staff at the site).  ref is our order reference sent
-- to the provider; every transition is keyed by it and idempotent.
CREATE TABLE payment (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  booking_id       BIGINT UNSIGNED NOT NULL,
  provider         VARCHAR(16) NOT NULL,
  ref              CHAR(32) NOT NULL UNIQUE,
  provider_ref     VARCHAR(64) NULL,
  amount_fen       INT UNSIGNED NOT NULL,
  state            ENUM('created','authorized','captured','voided','failed','lapsed','onsite') NOT NULL,
  method           VARCHAR(16) NULL,
  failure          VARCHAR(64) NULL,
  hold_expires_at  DATETIME NULL,
  created_at       DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at       DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY payment_booking (booking_id),
  FOREIGN KEY (booking_id) REFERENCES booking (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Provider notifications, deduplicated by the provider's event id.
CREATE TABLE payment_event (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  payment_id   BIGINT UNSIGNED NULL,
  event_id     VARCHAR(64) NOT NULL UNIQUE,
  kind         VARCHAR(32) NOT NULL,
  body         TEXT NOT NULL,
  received_at  DATETIME NOT NULL DEFAULT UTC_TIMESTAMP()
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Collection photos (480x640 JPEG, re-encoded).  A retake adds a row and
-- clears is_current on the older ones, so the history is kept.
CREATE TABLE photo (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  booking_id   BIGINT UNSIGNED NOT NULL,
  student_id   BIGINT UNSIGNED NOT NULL,
  jpeg         MEDIUMBLOB NOT NULL,
  bytes        INT UNSIGNED NOT NULL,
  quality      TINYINT UNSIGNED NOT NULL,
  bg_ok        TINYINT(1) NOT NULL,
  is_current   TINYINT(1) NOT NULL DEFAULT 1,
  uploaded_by  BIGINT UNSIGNED NULL,
  created_at   DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY photo_student (student_id, is_current),
  FOREIGN KEY (booking_id) REFERENCES booking (id),
  FOREIGN KEY (student_id) REFERENCES student (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ID-card photos uploaded by students when the task requires them;
-- re-encoded, shown to staff only.
CREATE TABLE idcard (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  student_id   BIGINT UNSIGNED NOT NULL,
  jpeg         MEDIUMBLOB NOT NULL,
  created_at   DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY idcard_student (student_id),
  FOREIGN KEY (student_id) REFERENCES student (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Admin users.  pw_hash is libsodium's Argon2id string.  A teacher belongs
-- to one school; operators and staff may have none.
CREATE TABLE user (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username       VARCHAR(64) NOT NULL UNIQUE,
  pw_hash        VARCHAR(128) NOT NULL,
  role           ENUM('operator','teacher','staff') NOT NULL,
  school_id      BIGINT UNSIGNED NULL,
  disabled       TINYINT(1) NOT NULL DEFAULT 0,
  failed_logins  INT UNSIGNED NOT NULL DEFAULT 0,
  locked_until   DATETIME NULL,
  created_at     DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  FOREIGN KEY (school_id) REFERENCES school (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Sessions of students (kind 1) and admin users (kind 2).  The cookie holds
-- a random token; only its SHA-256 is stored.  flags are the student's
-- finished steps.
CREATE TABLE session (
  skey        BINARY(32) NOT NULL PRIMARY KEY,
  kind        TINYINT UNSIGNED NOT NULL,
  csrf        CHAR(43) NOT NULL,
  user_id     BIGINT UNSIGNED NULL,
  task_id     BIGINT UNSIGNED NULL,
  student_id  BIGINT UNSIGNED NULL,
  flags       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  created_at  DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  seen_at     DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY session_seen (seen_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Audit trail: who changed what, when, before/after, and why.
CREATE TABLE audit (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at          DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  actor_id    BIGINT UNSIGNED NULL,
  actor       VARCHAR(64) NOT NULL,
  action      VARCHAR(32) NOT NULL,
  entity      VARCHAR(32) NOT NULL,
  entity_id   BIGINT UNSIGNED NOT NULL,
  school_id   BIGINT UNSIGNED NULL,
  field       VARCHAR(32) NULL,
  before_val  VARCHAR(255) NULL,
  after_val   VARCHAR(255) NULL,
  reason      VARCHAR(255) NULL,
  KEY audit_entity (entity, entity_id),
  KEY audit_school (school_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Throttling counters: one row per key and fixed window.
CREATE TABLE throttle (
  k             VARCHAR(128) NOT NULL,
  window_start  DATETIME NOT NULL,
  n             INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (k, window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The sandbox bank's own books (bank.fcgi only; a real gateway replaces it).
CREATE TABLE bank_hold (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  hold_ref     CHAR(32) NOT NULL UNIQUE,
  order_ref    CHAR(32) NOT NULL UNIQUE,
  card_last4   CHAR(4) NOT NULL,
  amount_fen   INT UNSIGNED NOT NULL,
  state        ENUM('authorized','captured','voided','declined') NOT NULL,
  reason       VARCHAR(64) NULL,
  created_at   DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  expires_at   DATETIME NOT NULL,
  updated_at   DATETIME NOT NULL DEFAULT UTC_TIMESTAMP()
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE bank_ledger (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  hold_id     BIGINT UNSIGNED NOT NULL,
  kind        ENUM('authorize','capture','void','decline') NOT NULL,
  amount_fen  INT UNSIGNED NOT NULL,
  at          DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY ledger_once (hold_id, kind),
  FOREIGN KEY (hold_id) REFERENCES bank_hold (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

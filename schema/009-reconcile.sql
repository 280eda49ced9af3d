-- Reconciliation (对账): tucai's payments against the provider's statement.
-- One row per run (tucai reconcile, the daily sweep, the operator's
-- button); its mismatches in reconcile_item; the captured money per day on
-- both sides in reconcile_total, for the operator's page beside the on-site
-- cash-up (日结).  kind: amount, state, only_tucai, only_ledger,
-- captured_twice, frozen_cancelled.
CREATE TABLE reconcile_run (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at          DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  day         DATE NULL,
  actor       VARCHAR(64) NOT NULL,
  checked     INT UNSIGNED NOT NULL DEFAULT 0,
  mismatches  INT UNSIGNED NOT NULL DEFAULT 0,
  failed      TINYINT(1) NOT NULL DEFAULT 0,
  KEY reconcile_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE reconcile_item (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  run_id      BIGINT UNSIGNED NOT NULL,
  kind        VARCHAR(16) NOT NULL,
  order_ref   CHAR(32) NOT NULL,
  booking_id  BIGINT UNSIGNED NULL,
  detail      VARCHAR(255) NOT NULL,
  KEY reconcile_item_run (run_id),
  FOREIGN KEY (run_id) REFERENCES reconcile_run (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE reconcile_total (
  run_id        BIGINT UNSIGNED NOT NULL,
  day           DATE NOT NULL,
  bank_fen      BIGINT NOT NULL DEFAULT 0,
  tucai_fen     BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, day),
  FOREIGN KEY (run_id) REFERENCES reconcile_run (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

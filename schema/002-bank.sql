-- The sandbox bank, version 2: orders wait at the bank before a card is
-- given ('pending', reached through a one-time token in the browser's URL),
-- and every notification to the app goes through an outbox, so that one
-- that could not be delivered is sent again.

-- A hold starts 'pending' when the app asks for it (POST /bank/api/authorize)
-- and is decided by the card form: 'authorized' or 'declined'.  token is the
-- browser's one-time key to the card page (128 random bits, hex), NULL once
-- the order is decided.  descr is what the payer sees (the task's title).
-- expires_at: the card page's deadline while pending, the hold's while
-- authorised (7 days).
ALTER TABLE bank_hold
  MODIFY state ENUM('pending','authorized','captured','voided','declined') NOT NULL,
  MODIFY card_last4 CHAR(4) NULL,
  ADD COLUMN token CHAR(32) NULL AFTER order_ref,
  ADD COLUMN descr VARCHAR(200) NOT NULL DEFAULT '' AFTER amount_fen,
  ADD UNIQUE KEY bank_hold_token (token);

-- Notifications to the app (Pay.NotifyUrl).  body is the canonical signed
-- form (event_id, order_ref, type, amount_fen, reason), signed afresh with
-- the current time on every attempt.  delivered_at is set once the app
-- answered 200 (or 400: it will never accept it, e.g. an unknown order).
CREATE TABLE bank_outbox (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  hold_id       BIGINT UNSIGNED NOT NULL,
  event_id      CHAR(32) NOT NULL UNIQUE,
  body          TEXT NOT NULL,
  attempts      INT UNSIGNED NOT NULL DEFAULT 0,
  last_status   INT NULL,
  delivered_at  DATETIME NULL,
  created_at    DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY outbox_undelivered (delivered_at, id),
  FOREIGN KEY (hold_id) REFERENCES bank_hold (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

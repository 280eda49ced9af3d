-- The sandbox bank delivers its notifications outside its requests: a
-- deliverer process (bank.fcgi --deliver, one or more) takes due rows of
-- bank_outbox, posts them to Pay.NotifyUrl and retries with exponential
-- backoff until the app answers 200.
--
-- next_attempt_at: when the row is due (now for a new row; later after a
-- failed attempt); NULL when no attempt is planned (delivered, given up).  claim/claim_until: a deliverer (or the bank worker in
-- notify-first mode) took the row and is sending it; nobody else touches it
-- until claim_until, so that two deliverers never send one row at the same
-- time, and a row whose deliverer died is taken again once the lease ends.
-- gave_up_at: no more automatic attempts, because the app refused the
-- notification (last_status 400) or Bank.MaxAttempts were spent; the row
-- stays, shown on /bank/ledger, and a query or /bank/api/redeliver revives
-- it.
ALTER TABLE bank_outbox
  ADD COLUMN next_attempt_at DATETIME(3) NULL DEFAULT UTC_TIMESTAMP(3) AFTER last_status,
  ADD COLUMN claim CHAR(32) NULL AFTER next_attempt_at,
  ADD COLUMN claim_until DATETIME(3) NULL AFTER claim,
  ADD COLUMN gave_up_at DATETIME NULL AFTER delivered_at,
  ADD KEY outbox_due (next_attempt_at),
  ADD KEY outbox_claim (claim);

-- Rows of an older instance: delivered ones have nothing planned; those
-- never delivered are due now, except the ones the app refused (400).
UPDATE bank_outbox SET next_attempt_at = NULL WHERE delivered_at IS NOT NULL;
UPDATE bank_outbox SET gave_up_at = UTC_TIMESTAMP(), next_attempt_at = NULL
  WHERE delivered_at IS NULL AND last_status = 400;

-- Sandbox behaviour set through the signed POST /bank/api/sandbox (tests
-- switch the notification mode without a restart).  One row; NULL means
-- "as in tucai.hdf" (Bank.NotifyFirst, Bank.WaitMs).
CREATE TABLE bank_sandbox (
  id            TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  notify_first  TINYINT NULL,
  wait_ms       INT NULL,
  CONSTRAINT bank_sandbox_one CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO bank_sandbox (id) VALUES (1);

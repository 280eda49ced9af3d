-- Holds that outlive nothing (issue 10).  A pre-authorisation lives as
-- long as the provider keeps it (Pay.HoldDays; the sandbox: 7 days), and
-- a window can run longer.  reauth_by: the sweep found that the booking's
-- hold lapses before its slot and asked the student to confirm the
-- pre-authorisation again before this time (UTC); NULL when nothing is
-- asked.  pay_onsite: the student did not, the hold lapsed, and the fee
-- is collected at the station (到场支付).
ALTER TABLE booking
  ADD COLUMN reauth_by DATETIME NULL AFTER hold_expires_at,
  ADD COLUMN pay_onsite TINYINT(1) NOT NULL DEFAULT 0 AFTER reauth_by,
  ADD KEY booking_reauth (reauth_by);

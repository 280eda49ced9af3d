-- WeChat sign-in (网页授权, snsapi_base; issue 15 item 3).  The openid
-- WeChat gives for a student inside its browser is never stored as such:
-- only HMAC-SHA256(Weixin.IdKey, AppId || openid), 32 bytes, here called
-- the openid's hash (cgi/weixin.c).  It is kept
--   - with the session that signed in (session.wx_openid), for the
--     throttles keyed per WeChat user and to bind a booking made there;
--   - with the booking made (or proven, /find) in such a session
--     (booking.wx_openid), so that the same WeChat user finds it again
--     from any phone, without the 采集码;
--   - ready as the payer of a later WeChat Pay provider (doc/PROVIDERS.md),
--     which will need the openid itself from a fresh sign-in, not this hash.
ALTER TABLE session
  ADD COLUMN wx_openid BINARY(32) NULL;

ALTER TABLE booking
  ADD COLUMN wx_openid BINARY(32) NULL,
  ADD KEY booking_wx (wx_openid);

-- The sandbox authorisation server (bank.fcgi, /weixin-sandbox/; never in
-- production).  A code is issued by the authorise page for an openid,
-- used once at the access_token endpoint within 5 minutes, like WeChat's.
-- fault makes its exchange fail on purpose (tests): 'busy' answers
-- errcode -1 (系统繁忙), 'down' answers HTTP 502.  snapshot: the user is
-- in 快照页模式 (WeChat answers is_snapshotuser = 1 with a virtual openid).
CREATE TABLE wx_sandbox_code (
  code        CHAR(32) NOT NULL PRIMARY KEY,
  appid       VARCHAR(32) NOT NULL,
  openid      VARCHAR(64) NOT NULL,
  scope       VARCHAR(32) NOT NULL,
  fault       ENUM('none','busy','down') NOT NULL DEFAULT 'none',
  snapshot    TINYINT(1) NOT NULL DEFAULT 0,
  created_at  DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  used_at     DATETIME NULL,
  KEY wx_sandbox_code_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

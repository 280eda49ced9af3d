-- ID cards read (issue 15).  /idcard reads the card's number with
-- Tesseract (cgi/infra/ocr.c) and compares it with the roster; the number
-- read is never stored, only the outcome: a photo is kept (table idcard)
-- only when it is the student's own card.  A student whose card could
-- not be read (身份证图片识别失败, twice, or once and 无法识别？继续预约)
-- types the full ID number instead (FAQ 1 of the guide); it is compared
-- with the roster and the booking is marked: staff check the card itself
-- at check-in (现场核验身份证), the station shows it.
ALTER TABLE booking
  ADD COLUMN IF NOT EXISTS id_check_onsite TINYINT(1) NOT NULL DEFAULT 0;

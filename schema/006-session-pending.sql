-- Sessions are written when a student first submits a form, not for a page
-- view; their CSRF token is derived from the key (Site.FormKey), so the csrf
-- column is no longer filled.  pending_student: a 采集码 was read in this
-- session for a student who already has a booking made elsewhere; the
-- session sees nothing of that student until the full ID number is given.
ALTER TABLE session
  MODIFY csrf CHAR(43) NOT NULL DEFAULT '',
  ADD COLUMN pending_student BIGINT UNSIGNED NULL AFTER flags,
  ADD KEY session_kind_seen (kind, seen_at);

-- The seats of a task at a glance (issue 14).  The student pages keep a
-- task's seat counts for a second (cgi/domain/seats.c) and check them
-- against a signature read with the task: the newest change of any of
-- its slots (changed_at, set by the server on every change of the row:
-- a seat taken or given back, a capacity, a new slot) and the number of
-- unpaid holds past their time.  Both are read from an index alone,
-- however many slots and holds the task has.
ALTER TABLE slot
  ADD COLUMN changed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
    ON UPDATE CURRENT_TIMESTAMP(6),
  ADD INDEX slot_changed (task_id, changed_at);
ALTER TABLE booking DROP INDEX booking_state,
  ADD INDEX booking_state (task_id, state, hold_expires_at);

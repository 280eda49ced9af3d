-- The unpaid holds of a task past their time, at a glance (issue 14).
-- The student pages keep a task's seat counts for a second (seats.c) and
-- check them against its slots' signature, which counts those holds: with
-- hold_expires_at in the index that is a range of the lapsed rows only,
-- whatever the number of holds still running.
ALTER TABLE booking DROP INDEX booking_state,
  ADD INDEX booking_state (task_id, state, hold_expires_at);

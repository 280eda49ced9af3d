-- The sandbox bank can be told to answer its capture and cancel calls late
-- (slow_ms after the work is committed), as a real provider whose answer
-- is lost on the way: the app times out, retries with the same order
-- reference, and the money moves once.  NULL or 0: at once.
ALTER TABLE bank_sandbox ADD COLUMN slow_ms INT NULL;

-- One person, one student of a task: an ID number appears once per task.
-- (Photos are exported as {身份证号}.jpg, so two students with the same
-- number would overwrite each other's photo.)  The roster import and the
-- correction form check this first and say so; this key makes it certain.
-- On an existing database with such duplicates this migration fails:
-- correct them first (SELECT task_id, id_number, COUNT(*) FROM student
-- GROUP BY 1, 2 HAVING COUNT(*) > 1).
ALTER TABLE student ADD UNIQUE KEY student_idnum (task_id, id_number);

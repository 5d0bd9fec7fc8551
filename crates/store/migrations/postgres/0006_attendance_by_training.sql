-- Attendance is recorded and read a training at a time (a sheet is one training's list; the
-- report cache is rebuilt per training), so its one-record-per-person-per-session key leads
-- with the training: an import then writes into one small part of the index at a time instead
-- of all over it, and the key serves "this training's attendance" as the old training index
-- did.
DROP INDEX attendance_once;
DROP INDEX attendance_training;
CREATE UNIQUE INDEX attendance_once ON attendance (training_id, person_id, COALESCE(session_id, 0));

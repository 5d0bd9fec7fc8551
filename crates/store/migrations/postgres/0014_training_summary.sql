-- The paragraph a report prints about each training, as the agency wrote it (issue 12).
ALTER TABLE trainings ADD COLUMN summary TEXT;

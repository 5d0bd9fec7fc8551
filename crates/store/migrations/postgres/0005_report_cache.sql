-- Derived from the records to make reports fast; rebuilt by every import that changes what they
-- derive from, and never edited by hand. Dropping both tables loses nothing: cadre rebuilds them.

-- Each training's attendees: sorted distinct person ids, each as the gap from the one before,
-- in LEB128 varints.
CREATE TABLE report_training_persons (
    training_id BIGINT PRIMARY KEY REFERENCES trainings (id) ON DELETE CASCADE,
    persons     BYTEA NOT NULL
);

-- What reports need of each person, 65,536 persons (by id) to a row: per id, gender (1 byte:
-- 0 no such person, 1 not recorded, 2 male, 3 female), country (2 ASCII bytes, or two zeros) and
-- department id (4 bytes, little-endian, 0 for none).
CREATE TABLE report_person_facts (
    chunk BIGINT PRIMARY KEY,
    facts BYTEA NOT NULL
);

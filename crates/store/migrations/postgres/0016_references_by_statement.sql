-- Issue 13: PostgreSQL imports at the speed of COPY. Attendance and persons check what they
-- refer to once per statement instead of once per row. PostgreSQL runs a declared foreign key
-- as a trigger for every row written, which made an import of ten million attendance records
-- spend most of its time in those checks.
-- The same rules, kept by triggers that see a statement's rows as a table:
--
-- * a written row must refer to a training, a session of that training, a person, a country
--   and a department that are there; the referred rows are locked (FOR KEY SHARE, as a
--   foreign key does) so that a delete running at the same time waits for the writer, or the
--   writer sees the row gone (transactions READ COMMITTED, PostgreSQL's default and cadre's);
-- * deleting a training or a session deletes its attendance (ON DELETE CASCADE before);
-- * deleting a person who has attendance, or a country or department someone is of, fails
--   with SQLSTATE 23503 (foreign_key_violation), as the declared keys did;
-- * the key of a referred row (its id, a country's code) never changes.
--
-- SQLite keeps its declared foreign keys: its imports already write in bulk without them and
-- `cadre db check` looks for rows that refer to nothing on both databases.

DO $$
DECLARE c record;
BEGIN
    FOR c IN
        SELECT conname, conrelid::regclass AS tbl FROM pg_constraint
        WHERE contype = 'f'
          AND conrelid IN ('attendance'::regclass, 'persons'::regclass)
          AND connamespace = current_schema()::regnamespace
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
    END LOOP;
END $$;

-- An import skips the checks (`cadre.import` set for its transaction): it refers only to
-- trainings, sessions and persons it read or made in its own transaction while holding the
-- schema's import lock, and every delete of those takes that lock too (see `begin_delete` in
-- the store), so nothing it refers to can go before it commits. Every other writer is checked
-- here, and `cadre db check` counts rows that refer to nothing.
CREATE FUNCTION attendance_refers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted bigint;
    there bigint;
    missing record;
BEGIN
    IF current_setting('cadre.import', true) = 'on' THEN
        RETURN NULL;
    END IF;
    -- Each referred row locked and counted: fewer rows than distinct keys means one is missing.
    SELECT count(DISTINCT training_id) INTO wanted FROM new_rows;
    PERFORM 1 FROM trainings WHERE id IN (SELECT training_id FROM new_rows) FOR KEY SHARE;
    GET DIAGNOSTICS there = ROW_COUNT;
    IF there = wanted THEN
        SELECT count(*) INTO wanted FROM (SELECT DISTINCT session_id, training_id FROM new_rows
                                          WHERE session_id IS NOT NULL) d;
        PERFORM 1 FROM sessions s
        WHERE (s.id, s.training_id) IN (SELECT session_id, training_id FROM new_rows)
        FOR KEY SHARE;
        GET DIAGNOSTICS there = ROW_COUNT;
    END IF;
    IF there = wanted THEN
        SELECT count(DISTINCT person_id) INTO wanted FROM new_rows;
        PERFORM 1 FROM persons WHERE id IN (SELECT person_id FROM new_rows) FOR KEY SHARE;
        GET DIAGNOSTICS there = ROW_COUNT;
    END IF;
    IF there <> wanted THEN
        SELECT n.training_id, n.person_id, n.session_id INTO missing FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM trainings t WHERE t.id = n.training_id)
           OR NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = n.person_id)
           OR (n.session_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM sessions s
                               WHERE s.id = n.session_id AND s.training_id = n.training_id))
        LIMIT 1;
        RAISE EXCEPTION 'attendance (training %, person %, session %) refers to a record that is not there',
            missing.training_id, missing.person_id, missing.session_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER attendance_refers_insert AFTER INSERT ON attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_refers();
CREATE TRIGGER attendance_refers_update AFTER UPDATE ON attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_refers();

CREATE FUNCTION persons_refer() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted bigint;
    there bigint;
    missing record;
BEGIN
    IF current_setting('cadre.import', true) = 'on' THEN
        RETURN NULL;
    END IF;
    SELECT count(DISTINCT country_code) INTO wanted FROM new_rows;
    PERFORM 1 FROM countries WHERE code IN (SELECT country_code FROM new_rows) FOR KEY SHARE;
    GET DIAGNOSTICS there = ROW_COUNT;
    IF there = wanted THEN
        SELECT count(DISTINCT department_id) INTO wanted FROM new_rows;
        PERFORM 1 FROM departments WHERE id IN (SELECT department_id FROM new_rows) FOR KEY SHARE;
        GET DIAGNOSTICS there = ROW_COUNT;
    END IF;
    IF there <> wanted THEN
        SELECT n.id, n.country_code, n.department_id INTO missing FROM new_rows n
        WHERE (n.country_code IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM countries c WHERE c.code = n.country_code))
           OR (n.department_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM departments d WHERE d.id = n.department_id))
        LIMIT 1;
        RAISE EXCEPTION 'person % refers to a country (%) or department (%) that is not there',
            missing.id, missing.country_code, missing.department_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER persons_refer_insert AFTER INSERT ON persons
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION persons_refer();
CREATE TRIGGER persons_refer_update AFTER UPDATE ON persons
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION persons_refer();

-- The referred side. A cascade by a session goes through the attendance key's training first.
CREATE FUNCTION attendance_follows_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'trainings' THEN
        DELETE FROM attendance WHERE training_id IN (SELECT id FROM old_rows);
    ELSE
        DELETE FROM attendance a USING old_rows o
        WHERE a.training_id = o.training_id AND a.session_key = o.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER trainings_delete_attendance AFTER DELETE ON trainings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_follows_delete();
CREATE TRIGGER sessions_delete_attendance AFTER DELETE ON sessions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_follows_delete();

CREATE FUNCTION referred_while_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    still bigint;
BEGIN
    IF TG_TABLE_NAME = 'persons' THEN
        SELECT a.person_id INTO still FROM attendance a WHERE a.person_id IN (SELECT id FROM old_rows) LIMIT 1;
    ELSIF TG_TABLE_NAME = 'countries' THEN
        SELECT p.id INTO still FROM persons p WHERE p.country_code IN (SELECT code FROM old_rows) LIMIT 1;
    ELSE
        SELECT p.id INTO still FROM persons p WHERE p.department_id IN (SELECT id FROM old_rows) LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'a row of % is still referred to (by %)', TG_TABLE_NAME, still
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER persons_delete_referred AFTER DELETE ON persons
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION referred_while_deleted();
CREATE TRIGGER countries_delete_referred AFTER DELETE ON countries
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION referred_while_deleted();
CREATE TRIGGER departments_delete_referred AFTER DELETE ON departments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION referred_while_deleted();

CREATE FUNCTION referred_key_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the key of a row of % does not change', TG_TABLE_NAME
        USING ERRCODE = 'foreign_key_violation';
END $$;

CREATE TRIGGER trainings_key_fixed BEFORE UPDATE OF id ON trainings
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION referred_key_fixed();
CREATE TRIGGER sessions_key_fixed BEFORE UPDATE OF id, training_id ON sessions
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.training_id IS DISTINCT FROM NEW.training_id)
    EXECUTE FUNCTION referred_key_fixed();
CREATE TRIGGER persons_key_fixed BEFORE UPDATE OF id ON persons
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION referred_key_fixed();
CREATE TRIGGER countries_key_fixed BEFORE UPDATE OF code ON countries
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION referred_key_fixed();
CREATE TRIGGER departments_key_fixed BEFORE UPDATE OF id ON departments
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION referred_key_fixed();

-- The keys persons are found by compare as bytes ("C"): they are only ever compared for
-- equality or a prefix, which any collation answers alike, and the database's own collation
-- (C.UTF-8 on Debian) goes through the C library's far slower comparison for every key an
-- import puts in the index.
ALTER TABLE persons
    ALTER COLUMN email_key TYPE TEXT COLLATE "C",
    ALTER COLUMN name_key TYPE TEXT COLLATE "C";

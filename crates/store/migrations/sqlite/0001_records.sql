-- The records of cadre. Dates are kept as the agency knows them (start_date '2020', '2020-07'
-- or '2020-07-16') with the first and last day they can mean beside them (start_on, end_on) so
-- that periods are selected with plain comparisons. Money is in integer cents.

CREATE TABLE countries (
    code   TEXT PRIMARY KEY,            -- ISO 3166-1 alpha-2
    alpha3 TEXT NOT NULL DEFAULT '',
    name   TEXT NOT NULL
);

CREATE TABLE country_groups (
    country_code TEXT NOT NULL REFERENCES countries (code),
    group_code   TEXT NOT NULL,         -- CARICOM-MS, CARICOM-AMS, OECS, CBSI, ...
    PRIMARY KEY (country_code, group_code)
);

CREATE TABLE departments (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- Every spelling that names a department, its own name included, by department_key().
CREATE TABLE department_aliases (
    alias_key     TEXT PRIMARY KEY,
    alias         TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (id) ON DELETE CASCADE
);

CREATE TABLE partners (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    short_name TEXT UNIQUE,
    parent_id  INTEGER REFERENCES partners (id),
    kind       TEXT
);

CREATE TABLE trainings (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    title               TEXT NOT NULL,
    start_date          TEXT,
    start_on            TEXT,
    end_date            TEXT,
    end_on              TEXT,
    modality            TEXT CHECK (modality IN ('physical', 'virtual', 'hybrid')),
    venue               TEXT,
    platform            TEXT,
    status              TEXT CHECK (status IN ('delivered', 'planned', 'postponed', 'cancelled')),
    requested_by        TEXT REFERENCES countries (code),
    value_cents         INTEGER CHECK (value_cents >= 0),
    participants_total  INTEGER CHECK (participants_total >= 0),
    participants_male   INTEGER CHECK (participants_male >= 0),
    participants_female INTEGER CHECK (participants_female >= 0),
    countries_reached   INTEGER CHECK (countries_reached >= 0),
    theme               TEXT,
    note                TEXT
);

CREATE INDEX trainings_start_on ON trainings (start_on);

CREATE TABLE training_partners (
    training_id INTEGER NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    partner_id  INTEGER NOT NULL REFERENCES partners (id),
    role        TEXT NOT NULL CHECK (role IN ('partner', 'funder')),
    position    INTEGER NOT NULL,
    PRIMARY KEY (training_id, partner_id, role)
);

CREATE TABLE training_countries (
    training_id  INTEGER NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    country_code TEXT NOT NULL REFERENCES countries (code),
    position     INTEGER NOT NULL,
    PRIMARY KEY (training_id, country_code)
);

CREATE TABLE training_departments (
    training_id   INTEGER NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (training_id, department_id)
);

CREATE TABLE sessions (
    id                 INTEGER PRIMARY KEY,
    training_id        INTEGER NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    start_date         TEXT NOT NULL,
    start_on           TEXT NOT NULL,
    end_date           TEXT,
    end_on             TEXT,
    participants_total INTEGER CHECK (participants_total >= 0),
    note               TEXT,
    UNIQUE (training_id, start_date)
);

CREATE TABLE persons (
    id            INTEGER PRIMARY KEY,
    given_name    TEXT NOT NULL,
    family_name   TEXT NOT NULL,
    email         TEXT,
    email_key     TEXT UNIQUE,          -- trimmed, lower case
    name_key      TEXT NOT NULL,        -- given|family|country, folded
    gender        TEXT CHECK (gender IN ('male', 'female')),
    country_code  TEXT REFERENCES countries (code),
    organisation  TEXT,
    department_id INTEGER REFERENCES departments (id)
);

CREATE INDEX persons_name_key ON persons (name_key);

CREATE TABLE attendance (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES persons (id),
    training_id INTEGER NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    session_id  INTEGER REFERENCES sessions (id) ON DELETE CASCADE,
    completed   INTEGER CHECK (completed IN (0, 1))
);

-- One record per person per session; a training held as one event has no session (NULL),
-- which a plain UNIQUE would not treat as equal.
CREATE UNIQUE INDEX attendance_once ON attendance (person_id, training_id, COALESCE(session_id, 0));
CREATE INDEX attendance_training ON attendance (training_id);

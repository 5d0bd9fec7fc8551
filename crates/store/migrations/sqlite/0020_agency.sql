-- The agency's face, one row: its name, short name, colours, logo, time zone and date style
-- as an admin set them. No row: the defaults.
CREATE TABLE agency (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    colour TEXT NOT NULL,
    accent TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    date_style TEXT NOT NULL,
    logo_type TEXT,
    logo_width INTEGER,
    logo_height INTEGER,
    logo BLOB
);

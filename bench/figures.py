"""The period report's headline figures computed without cadre, to check cadre's own.

Three ways, all plain SQL:
  sql      over cadre's database (SQLite file or PostgreSQL URL), straight from its tables;
  duckdb   over the generated CSV files, resolving people and countries the way cadre does;
  native   over DuckDB's own tables holding cadre's resolved records (persons, attendance,
           trainings, departments), loaded beforehand with `load`, untimed: the same
           straightforward SQL as `sql`, on a columnar engine.

`figures.py load SQLITE_FILE DUCKDB_FILE` makes that DuckDB database; `figures.py native
DUCKDB_FILE FROM TO` prints the figures and, on standard error, the seconds DuckDB took from
opening the database to the last answer (the process's own start and Python's excluded).

Prints one JSON object: trainings, participants (total/male/female/not_recorded), persons,
countries {code: participants}, departments {name: participants}.
"""
import json
import sys

STRAIGHT_SQL = """
WITH t AS (SELECT id, participants_total, participants_male, participants_female
           FROM trainings WHERE start_on >= {p} AND start_on <= {p}),
     pt AS (SELECT DISTINCT training_id, person_id FROM attendance
            WHERE training_id IN (SELECT id FROM t)),
     agg AS (SELECT * FROM t WHERE NOT EXISTS (SELECT 1 FROM attendance a WHERE a.training_id = t.id))
SELECT
  (SELECT COUNT(*) FROM t),
  (SELECT COUNT(*) FROM pt) + (SELECT COALESCE(SUM(participants_total), 0) FROM agg),
  (SELECT COUNT(*) FROM pt JOIN persons p ON p.id = pt.person_id WHERE p.gender = 'male')
    + (SELECT COALESCE(SUM(participants_male), 0) FROM agg WHERE participants_total IS NOT NULL),
  (SELECT COUNT(*) FROM pt JOIN persons p ON p.id = pt.person_id WHERE p.gender = 'female')
    + (SELECT COALESCE(SUM(participants_female), 0) FROM agg WHERE participants_total IS NOT NULL),
  (SELECT COUNT(DISTINCT person_id) FROM pt)
    + (SELECT COALESCE(SUM(participants_total), 0) FROM agg)
"""

COUNTRY_SQL = """
SELECT p.country_code, COUNT(*) FROM (
  SELECT DISTINCT training_id, person_id FROM attendance WHERE training_id IN
    (SELECT id FROM trainings WHERE start_on >= {p} AND start_on <= {p})) pt
JOIN persons p ON p.id = pt.person_id WHERE p.country_code IS NOT NULL GROUP BY p.country_code
"""

DEPARTMENT_SQL = """
SELECT d.name, COUNT(*) FROM (
  SELECT DISTINCT training_id, person_id FROM attendance WHERE training_id IN
    (SELECT id FROM trainings WHERE start_on >= {p} AND start_on <= {p})) pt
JOIN persons p ON p.id = pt.person_id JOIN departments d ON d.id = p.department_id GROUP BY d.name
"""


def shape(head, countries, departments):
    trainings, total, male, female, persons = head
    return {
        "trainings": int(trainings),
        "participants": {
            "total": int(total),
            "male": int(male),
            "female": int(female),
            "not_recorded": int(total) - int(male) - int(female),
        },
        "persons": int(persons),
        "countries": {c: int(n) for c, n in countries},
        "departments": {d: int(n) for d, n in departments},
    }


def straight(database, start, end):
    if database.startswith("postgres"):
        import psycopg

        url, _, schema = database.partition("?schema=")
        conn = psycopg.connect(url, options=f"-c search_path={schema}" if schema else "")
        # Fresh statistics, as any database administrator would have before querying.
        conn.execute("ANALYZE")
        mark = "%s"
    else:
        import sqlite3

        conn = sqlite3.connect(database.removeprefix("sqlite:"))
        mark = "?"
    cur = conn.cursor()
    cur.execute(STRAIGHT_SQL.format(p=mark), (start, end))
    head = cur.fetchone()
    cur.execute(COUNTRY_SQL.format(p=mark), (start, end))
    countries = cur.fetchall()
    cur.execute(DEPARTMENT_SQL.format(p=mark), (start, end))
    departments = cur.fetchall()
    return shape(head, countries, departments)


def duck(folder, start, end):
    import duckdb

    db = duckdb.connect()
    fold = "lower(regexp_replace(trim({0}), '\\s+', ' ', 'g'))"
    db.execute(f"""
        CREATE TEMP TABLE spell AS SELECT * FROM read_csv('{folder}/country-spellings.csv', all_varchar=true);
        CREATE TEMP TABLE tr AS SELECT code, CAST(start_date AS DATE) AS start_on
            FROM read_csv('{folder}/trainings.csv', all_varchar=true);
        CREATE TEMP TABLE a AS
        SELECT row_number() OVER () AS n, att.training_code,
               CASE WHEN trim(coalesce(att.email, '')) <> '' THEN 'e:' || lower(trim(att.email))
                    ELSE 'n:' || {fold.format('att.given_name')} || '|' || {fold.format('att.family_name')}
                         || '|' || coalesce(s.code, '') END AS who,
               CASE lower(trim(att.gender)) WHEN 'm' THEN 'male' WHEN 'male' THEN 'male'
                    WHEN 'f' THEN 'female' WHEN 'female' THEN 'female' END AS gender,
               s.code AS country,
               nullif(trim(att.department), '') AS department
        FROM read_csv('{folder}/attendance.csv', all_varchar=true) att
        LEFT JOIN spell s ON s.typed = trim(att.country);
        -- A person's details: the last row that gives each one, as cadre keeps them.
        CREATE TEMP TABLE person AS
        SELECT who,
               arg_max(gender, n) FILTER (WHERE gender IS NOT NULL) AS gender,
               arg_max(country, n) FILTER (WHERE country IS NOT NULL) AS country,
               arg_max(department, n) FILTER (WHERE department IS NOT NULL) AS department
        FROM a GROUP BY who;
        CREATE TEMP TABLE pt AS
        SELECT DISTINCT training_code, who FROM a
        WHERE training_code IN (SELECT code FROM tr WHERE start_on BETWEEN DATE '{start}' AND DATE '{end}');
    """)
    head = db.execute(f"""
        SELECT (SELECT COUNT(*) FROM tr WHERE start_on BETWEEN DATE '{start}' AND DATE '{end}'),
               COUNT(*), COUNT(*) FILTER (WHERE p.gender = 'male'),
               COUNT(*) FILTER (WHERE p.gender = 'female'), COUNT(DISTINCT pt.who)
        FROM pt JOIN person p USING (who)""").fetchone()
    countries = db.execute(
        "SELECT p.country, COUNT(*) FROM pt JOIN person p USING (who) WHERE p.country IS NOT NULL GROUP BY 1"
    ).fetchall()
    departments = db.execute(
        "SELECT p.department, COUNT(*) FROM pt JOIN person p USING (who) WHERE p.department IS NOT NULL GROUP BY 1"
    ).fetchall()
    return shape(head, countries, departments)


def load_native(sqlite_file, duck_file):
    """Copies cadre's resolved records from its SQLite database into DuckDB tables."""
    import csv
    import os
    import sqlite3
    import tempfile

    import duckdb

    src = sqlite3.connect(sqlite_file)
    tables = {
        "trainings": "SELECT id, start_on, participants_total, participants_male, participants_female FROM trainings",
        "attendance": "SELECT training_id, person_id FROM attendance",
        "persons": "SELECT id, gender, country_code, department_id FROM persons",
        "departments": "SELECT id, name FROM departments",
    }
    types = {
        "trainings": "{'id': 'BIGINT', 'start_on': 'DATE', 'participants_total': 'BIGINT', 'participants_male': 'BIGINT', 'participants_female': 'BIGINT'}",
        "attendance": "{'training_id': 'BIGINT', 'person_id': 'BIGINT'}",
        "persons": "{'id': 'BIGINT', 'gender': 'VARCHAR', 'country_code': 'VARCHAR', 'department_id': 'BIGINT'}",
        "departments": "{'id': 'BIGINT', 'name': 'VARCHAR'}",
    }
    if os.path.exists(duck_file):
        os.remove(duck_file)
    db = duckdb.connect(duck_file)
    with tempfile.TemporaryDirectory() as tmp:
        for name, query in tables.items():
            path = os.path.join(tmp, name + ".csv")
            cur = src.execute(query)
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow([d[0] for d in cur.description])
                while rows := cur.fetchmany(100_000):
                    w.writerows(rows)
            db.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header=true, columns={types[name]})")
    db.execute("CHECKPOINT")
    db.close()


def native(duck_file, start, end):
    import time

    import duckdb

    started = time.perf_counter()
    db = duckdb.connect(duck_file, read_only=True)
    # As an analyst would write it for DuckDB: each training's distinct attendees once, in a
    # temporary table, then every breakdown over it.
    db.execute(f"""
        CREATE TEMP TABLE t AS SELECT * FROM trainings
            WHERE start_on BETWEEN DATE '{start}' AND DATE '{end}';
        CREATE TEMP TABLE pt AS SELECT d.training_id, d.person_id, p.gender, p.country_code,
               p.department_id
            FROM (SELECT DISTINCT a.training_id, a.person_id FROM attendance a
                  SEMI JOIN t ON t.id = a.training_id) d
            JOIN persons p ON p.id = d.person_id;
        CREATE TEMP TABLE agg AS SELECT * FROM t
            WHERE id NOT IN (SELECT DISTINCT training_id FROM pt);
    """)
    head = db.execute("""
        SELECT (SELECT COUNT(*) FROM t),
               (SELECT COUNT(*) FROM pt) + (SELECT COALESCE(SUM(participants_total), 0) FROM agg),
               (SELECT COUNT(*) FROM pt WHERE gender = 'male') + (SELECT COALESCE(SUM(participants_male), 0) FROM agg WHERE participants_total IS NOT NULL),
               (SELECT COUNT(*) FROM pt WHERE gender = 'female') + (SELECT COALESCE(SUM(participants_female), 0) FROM agg WHERE participants_total IS NOT NULL),
               (SELECT COUNT(DISTINCT person_id) FROM pt) + (SELECT COALESCE(SUM(participants_total), 0) FROM agg)
    """).fetchone()
    countries = db.execute(
        "SELECT country_code, COUNT(*) FROM pt WHERE country_code IS NOT NULL GROUP BY 1"
    ).fetchall()
    departments = db.execute(
        "SELECT d.name, COUNT(*) FROM pt JOIN departments d ON d.id = pt.department_id GROUP BY 1"
    ).fetchall()
    print(f"{time.perf_counter() - started:.3f}", file=sys.stderr)
    return shape(head, countries, departments)


def from_cadre(path):
    with open(path) as f:
        r = json.load(f)
    p = r["participants"]
    return {
        "trainings": r["trainings"]["total"],
        "participants": {k: p[k] for k in ("total", "male", "female", "not_recorded")},
        "persons": r["persons"]["total"],
        "countries": {c["code"]: c["participants"] for c in r["countries"] if c["participants"]},
        "departments": {d["name"]: d["participants"] for d in r["departments"] if d["participants"]},
    }


if __name__ == "__main__":
    how = sys.argv[1]
    if how == "sql":
        out = straight(sys.argv[2], sys.argv[3], sys.argv[4])
    elif how == "duckdb":
        out = duck(sys.argv[2], sys.argv[3], sys.argv[4])
    elif how == "native":
        out = native(sys.argv[2], sys.argv[3], sys.argv[4])
    elif how == "load":
        load_native(sys.argv[2], sys.argv[3])
        sys.exit(0)
    elif how == "cadre":
        out = from_cadre(sys.argv[2])
    else:
        sys.exit(f"unknown way {how!r}: sql, duckdb, native, load or cadre")
    print(json.dumps(out, sort_keys=True))

#!/usr/bin/env bash
# Makes the upgrade fixture of one schema version with the cadre binary OF THAT VERSION: an
# SQLite database (cadre.sqlite) and a PostgreSQL dump (postgres.sql) holding the 2020 facts, a few participants, an admin
# account, an import history and an audit trail, and the report that version wrote for
# January to September 2020. The upgrade test (crates/cli/tests/upgrade.rs) opens each with
# today's cadre, which migrates it, and checks the report, the trail and the sign-in.
#
#   git worktree add /tmp/old <commit> && (cd /tmp/old && cargo build --bin cadre)
#   scripts/make-upgrade-fixture.sh /tmp/old/target/debug/cadre /tmp/old/data/2020 \
#       crates/cli/tests/fixtures/schema-13
set -euo pipefail
cadre="$1"; data="$2"; out="$3"
pg="${CADRE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/attendance.csv" <<'CSV'
training_code,session_date,given_name,family_name,email,gender,country,organisation,department,completed
2020-02,,Ana,Rivera,ana.rivera@fixture.example,F,Barbados,Police Force,Police,yes
2020-02,,Ben,Cole,ben.cole@fixture.example,M,Jamaica,Customs,Customs,yes
2020-03,2020-05-07,Ana,Rivera,ana.rivera@fixture.example,F,Barbados,Police Force,Police,yes
2020-03,2020-07-13,Chen,Li,,,Trinidad and Tobago,,Immigration,no
CSV
make() {
  local db="$1"
  for kind in partners trainings sessions; do
    "$cadre" --database "$db" import "$kind" "$data/$kind.csv" >/dev/null
  done
  "$cadre" --database "$db" import published "$data/period-2020-published.csv" >/dev/null
  "$cadre" --database "$db" import attendance "$work/attendance.csv" >/dev/null
  echo "a fixture password" | "$cadre" --database "$db" user add admin@fixture.example --role admin --password-stdin >/dev/null
}
make "sqlite:$work/cadre.db"
"$cadre" --database "sqlite:$work/cadre.db" report --from 2020-01-01 --to 2020-09-30 --format json > "$out/report.json"
# Closed, its log is folded in: the file alone is the database.
cp "$work/cadre.db" "$out/cadre.sqlite"
schema=upgrade_fixture
psql "$pg" -qc "DROP SCHEMA IF EXISTS $schema CASCADE"
make "$pg?schema=$schema"
pg_dump --inserts --no-owner --no-privileges --schema="$schema" "$pg" > "$out/postgres.sql"
psql "$pg" -qc "DROP SCHEMA $schema CASCADE"
echo "made $out (cadre.sqlite, postgres.sql, report.json)"

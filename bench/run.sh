#!/usr/bin/env bash
# The benchmark: cadre against the straightforward SQL of its report and against DuckDB, on
# data made by `cadre gen`, on SQLite and PostgreSQL, in one run on this machine.
#
#   bench/run.sh            size S (1M attendance rows)
#   bench/run.sh S L        both sizes (L: 10M rows; about 20 more minutes)
#   CADRE_BENCH_ONLY=reimport bench/run.sh S L
#                           only the re-import measure (first import against re-import)
#   CADRE_BENCH_ONLY=pgimport bench/run.sh L
#                           only PostgreSQL's import against its own COPY, head to head
#   CADRE_BENCH_ONLY=native bench/run.sh L
#                           only the report against DuckDB over native tables, head to head
#
# Needs: Rust, python3 (a virtualenv with duckdb and psycopg is made in bench/.venv), and
# PostgreSQL at CADRE_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/test).
# Writes bench/results/<size>.md (<size>-<part>.md for CADRE_BENCH_ONLY=<part>) and prints it.
# Any figure that differs between cadre and the SQL, or cadre and DuckDB, stops the run with a
# non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(S)
PG="${CADRE_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
ONE_YEAR=(2015-01-01 2015-12-31)
ALL_YEARS=(2011-01-01 2020-12-31)

ONLY="${CADRE_BENCH_ONLY:-}"
# skip PART: whether CADRE_BENCH_ONLY names another part than PART.
skip() { [ -n "$ONLY" ] && [ "$ONLY" != "$1" ]; }
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"

cargo build --release --locked -q
B="$TARGET/release/cadre"
if ! skip main; then
cargo bench -p cadre --bench warm_report --no-run -q 2>/dev/null
WARM=$(ls -t "$TARGET"/release/deps/warm_report-* | grep -v '\.d$' | head -1)
fi

if { ! skip main || ! skip native; } && [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q duckdb 'psycopg[binary]'
fi
PY=bench/.venv/bin/python

# measure LABEL CMD...: runs CMD three times; records the median wall time and the largest
# peak memory, as "seconds MiB".
measure() {
  local times=() peak=0
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o /tmp/cadre-bench-time "${@}" >/dev/null
    read -r t m </tmp/cadre-bench-time
    times+=("$t")
    [ "$m" -gt "$peak" ] && peak=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
  echo "$median $((peak / 1024))"
}

# once CMD...: one run (imports change the database), as "seconds MiB".
once() {
  /usr/bin/time -f "%e %M" -o /tmp/cadre-bench-time "${@}" >/dev/null
  read -r t m </tmp/cadre-bench-time
  echo "$t $((m / 1024))"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# wall CMD...: the wall time of one run of CMD in seconds, to the tenth of a millisecond, by
# bash's own clock (no process started around it; /usr/bin/time counts in hundredths).
wall() {
  local t0=$EPOCHREALTIME
  "$@" >/dev/null 2>&1
  local t1=$EPOCHREALTIME
  python3 -c "print(f'{$t1 - $t0:.4f}')"
}

# raw_table NAME: a fresh table of ten text columns, with no index and no check, for COPY of
# the attendance file (the yardstick of imports).
raw_table() {
  psql "$PG" -qAtc "DROP TABLE IF EXISTS $1; CREATE TABLE $1 (training_code text, session_date text, given_name text, family_name text, email text, gender text, country text, organisation text, department text, completed text)" >/dev/null
}

same() { # same A.json B.json WHAT
  if ! cmp -s "$1" "$2"; then
    echo "FIGURES DIFFER ($3):" >&2
    diff <(python3 -m json.tool "$1") <(python3 -m json.tool "$2") >&2 || true
    exit 1
  fi
}

mkdir -p bench/results
for size in "${sizes[@]}"; do
  lower=$(echo "$size" | tr 'A-Z' 'a-z')
  data="bench/data/$size"
  work=$(mktemp -d)
  "$B" gen --size "$lower" --out "$data" >/dev/null
  rows=$(($(wc -l <"$data/attendance.csv") - 1))
  # A run of one part keeps its results apart from those of a whole run.
  report="bench/results/$size${ONLY:+-$ONLY}.md"
  {
    echo "## Size $size: $rows attendance rows ($(date -u +%Y-%m-%d), $(nproc) cores)"
    echo
    echo "| what | backend | seconds | peak MiB | note |"
    echo "| --- | --- | ---: | ---: | --- |"
  } >"$report"

  if ! skip main; then
  for backend in sqlite postgres; do
    if [ "$backend" = sqlite ]; then
      url="sqlite:$work/$size.db"
    else
      schema="cadre_bench_$lower"
      psql "$PG" -qAtc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1
      url="$PG?schema=$schema"
    fi
    total=0
    for kind in partners trainings sessions attendance; do
      read -r t m < <(once "$B" --database "$url" import "$kind" "$data/$kind.csv")
      if [ "$kind" = attendance ]; then
        rate=$(python3 -c "print(f'{$rows / max($t, 0.001):,.0f} rows/s')")
        echo "| import attendance | $backend | $t | $m | $rate |" >>"$report"
      fi
      total=$(python3 -c "print(round($total + $t, 2))")
    done
    echo "| import all four files | $backend | $total | | |" >>"$report"
    if [ "$backend" = postgres ]; then
      # The yardstick for imports: PostgreSQL's own COPY of the same attendance file into a
      # table of text columns, with no checking at all.
      raw_table "$schema.raw_attendance"
      read -r t m < <(once psql "$PG" -qAtc "\\copy $schema.raw_attendance FROM '$data/attendance.csv' CSV HEADER")
      echo "| COPY of attendance.csv, unchecked (yardstick) | postgres | $t | | |" >>"$report"
      psql "$PG" -qAtc "DROP TABLE $schema.raw_attendance" >/dev/null
    fi

    for period in one all; do
      if [ "$period" = one ]; then from=${ONE_YEAR[0]}; to=${ONE_YEAR[1]}; else from=${ALL_YEARS[0]}; to=${ALL_YEARS[1]}; fi
      read -r t m < <(measure "$B" --database "$url" report --from "$from" --to "$to" --format json --out "$work/r.json")
      echo "| report, $period year(s), whole process | $backend | $t | $m | |" >>"$report"
      eval "cadre_${backend}_${period}=$t"
      $PY bench/figures.py cadre "$work/r.json" >"$work/cadre.json"
      $PY bench/figures.py sql "$url" "$from" "$to" >"$work/sql.json"
      same "$work/cadre.json" "$work/sql.json" "cadre vs SQL, $backend, $period"
      cp "$work/cadre.json" "$work/cadre-$period.json"
      warm=$("$WARM" "$url" "$from" "$to" 30)
      echo "| report, $period year(s), warm process | $backend | | | $warm |" >>"$report"
    done
  done

  # The import target, head to head: three rounds, each a fresh SQLite import of the
  # attendance file (the other three files loaded untimed before it) and then PostgreSQL's COPY
  # of the same file, alternating so that both meet the machine in the same state; medians.
  imports=() copies=()
  raw="cadre_bench_$lower.raw_attendance"
  for _ in 1 2 3; do
    db="$work/head-to-head.db"
    rm -f "$db" "$db-wal" "$db-shm"
    for kind in partners trainings sessions; do
      "$B" --database "sqlite:$db" import "$kind" "$data/$kind.csv" >/dev/null
    done
    read -r t m < <(once "$B" --database "sqlite:$db" import attendance "$data/attendance.csv")
    imports+=("$t")
    raw_table "$raw"
    read -r t m < <(once psql "$PG" -qAtc "\\copy $raw FROM '$data/attendance.csv' CSV HEADER")
    copies+=("$t")
    psql "$PG" -qAtc "DROP TABLE $raw" >/dev/null
  done
  mi=$(median "${imports[@]}")
  mc=$(median "${copies[@]}")
  {
    echo "| import attendance, head to head with COPY (median of ${imports[*]}) | sqlite | $mi | | |"
    echo "| COPY of attendance.csv, the same rounds (median of ${copies[*]}) | postgres | $mc | | |"
    echo "| SQLite import / COPY, head to head | | $(python3 -c "print(f'{$mi / max($mc, 0.001):.2f}')") | | target: at most 1 |"
  } >>"$report"
  fi

  # Importing the same attendance file again, head to head with the first import: three
  # rounds, each a fresh SQLite import (the other three files loaded untimed before it) and
  # then the same file again into that database, which changes nothing; medians, their
  # ratio, the re-import's largest peak memory and its closing line (0 created, 0 updated).
  if ! skip reimport; then
  firsts=() agains=() again_peak=0
  for _ in 1 2 3; do
    db="$work/reimport.db"
    rm -f "$db" "$db-wal" "$db-shm"
    for kind in partners trainings sessions; do
      "$B" --database "sqlite:$db" import "$kind" "$data/$kind.csv" >/dev/null
    done
    read -r t m < <(once "$B" --database "sqlite:$db" import attendance "$data/attendance.csv")
    firsts+=("$t")
    /usr/bin/time -f "%e %M" -o /tmp/cadre-bench-time "$B" --database "sqlite:$db" import attendance "$data/attendance.csv" >"$work/again.txt"
    read -r t m </tmp/cadre-bench-time
    agains+=("$t")
    [ $((m / 1024)) -gt "$again_peak" ] && again_peak=$((m / 1024))
  done
  mf=$(median "${firsts[@]}")
  ma=$(median "${agains[@]}")
  said=$(sed 's/^.*: [0-9]* rows read, //; s/;.*$//' "$work/again.txt")
  {
    echo "| import attendance, first (median of ${firsts[*]}) | sqlite | $mf | | |"
    echo "| import attendance again, unchanged (median of ${agains[*]}) | sqlite | $ma | $again_peak | $said |"
    echo "| re-import / first import, head to head | | $(python3 -c "print(f'{$ma / max($mf, 0.001):.2f}')") | | target: at most 1.5 |"
  } >>"$report"
  rm -f "$db" "$db-wal" "$db-shm"
  fi

  # Issue 13's import target on PostgreSQL, head to head: three rounds, each a fresh schema
  # (the other three files imported untimed) and cadre's import of the attendance file, then
  # PostgreSQL's own COPY of the same file into a table of text columns, unchecked; medians,
  # their ratio (target: at most 2) and the import's closing line (the same counts as always).
  if ! skip pgimport; then
  pgimports=() pgcopies=()
  schema="cadre_bench_${lower}_pg"
  raw="$schema.raw_attendance"
  for _ in 1 2 3; do
    psql "$PG" -qAtc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1
    url="$PG?schema=$schema"
    for kind in partners trainings sessions; do
      "$B" --database "$url" import "$kind" "$data/$kind.csv" >/dev/null
    done
    read -r t m < <(once "$B" --database "$url" import attendance "$data/attendance.csv")
    pgimports+=("$t")
    raw_table "$raw"
    read -r t m < <(once psql "$PG" -qAtc "\\copy $raw FROM '$data/attendance.csv' CSV HEADER")
    pgcopies+=("$t")
  done
  psql "$PG" -qAtc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1
  mi=$(median "${pgimports[@]}")
  mc=$(median "${pgcopies[@]}")
  {
    echo "| import attendance, head to head with COPY (median of ${pgimports[*]}) | postgres | $mi | | |"
    echo "| COPY of attendance.csv, the same rounds (median of ${pgcopies[*]}) | postgres | $mc | | |"
    echo "| PostgreSQL import / COPY, head to head | | $(python3 -c "print(f'{$mi / max($mc, 0.001):.2f}')") | | target: at most 2 |"
  } >>"$report"
  fi

  if ! skip main; then
  # DuckDB over its own tables holding cadre's resolved records (loaded untimed): the fair
  # yardstick for the report, which reads resolved records too.
  $PY bench/figures.py load "$work/$size.db" "$work/$size.duckdb"
  for period in one all; do
    if [ "$period" = one ]; then from=${ONE_YEAR[0]}; to=${ONE_YEAR[1]}; else from=${ALL_YEARS[0]}; to=${ALL_YEARS[1]}; fi
    read -r t m < <(measure $PY bench/figures.py native "$work/$size.duckdb" "$from" "$to")
    inner=()
    for _ in 1 2 3; do
      inner+=("$($PY bench/figures.py native "$work/$size.duckdb" "$from" "$to" 2>&1 >"$work/native.json")")
    done
    same "$work/cadre-$period.json" "$work/native.json" "cadre vs DuckDB over native tables, $period"
    mi=$(median "${inner[@]}")
    echo "| report, $period year(s), whole process | DuckDB over native tables | $t | $m | queries alone (from opening the database): median $mi s of ${inner[*]} |" >>"$report"
    # The ratio against these is measured head to head, to the tenth of a millisecond, in
    # the part "native" below.
  done
  for period in one all; do
    if [ "$period" = one ]; then from=${ONE_YEAR[0]}; to=${ONE_YEAR[1]}; else from=${ALL_YEARS[0]}; to=${ALL_YEARS[1]}; fi
    read -r t m < <(measure $PY bench/figures.py duckdb "$data" "$from" "$to")
    $PY bench/figures.py duckdb "$data" "$from" "$to" >"$work/duck.json"
    same "$work/cadre-$period.json" "$work/duck.json" "cadre vs DuckDB, $period"
    echo "| report, $period year(s), whole process | DuckDB on the CSV | $t | $m | |" >>"$report"
    for backend in sqlite postgres; do
      var="cadre_${backend}_${period}"
      ratio=$(python3 -c "print(f'{${!var} / max($t, 0.001):.2f}')")
      echo "| cadre / DuckDB on the CSV, $period year(s) | $backend | $ratio | | |" >>"$report"
    done
  done
  echo >>"$report"
  echo "Figures: cadre, the straightforward SQL and DuckDB (native tables and CSV) agreed on every run." >>"$report"
  fi
  # Issue 10's figure, head to head: five rounds, each cadre's whole process on SQLite, then
  # on PostgreSQL, then DuckDB's queries alone over its own tables holding cadre's resolved
  # records (from opening its database to the last answer), for one year and for all years;
  # medians and the ratios (target: at most 0.2). Run alone, it first imports the data into
  # both databases and loads DuckDB's tables, untimed.
  if ! skip native; then
  db="$work/$size.db"
  url_pg="$PG?schema=cadre_bench_$lower"
  if skip main; then
    psql "$PG" -qAtc "DROP SCHEMA IF EXISTS cadre_bench_$lower CASCADE" >/dev/null 2>&1
    for kind in partners trainings sessions attendance; do
      "$B" --database "sqlite:$db" import "$kind" "$data/$kind.csv" >/dev/null
      "$B" --database "$url_pg" import "$kind" "$data/$kind.csv" >/dev/null
    done
    $PY bench/figures.py load "$db" "$work/$size.duckdb"
  fi
  # A quiet machine first: the imports leave PostgreSQL's autovacuum to analyse ten million
  # records and the kernel to write back the SQLite file, which would otherwise run beside
  # the first rounds and take one of the two cores from whichever process meets them.
  psql "$PG" -qAtc "VACUUM (ANALYZE) cadre_bench_$lower.attendance, cadre_bench_$lower.persons" >/dev/null
  psql "$PG" -qAtc "CHECKPOINT" >/dev/null
  sync
  for period in one all; do
    if [ "$period" = one ]; then from=${ONE_YEAR[0]}; to=${ONE_YEAR[1]}; else from=${ALL_YEARS[0]}; to=${ALL_YEARS[1]}; fi
    on_sqlite=() on_pg=() duck=()
    for _ in 1 2 3 4 5; do
      on_sqlite+=("$(wall "$B" --database "sqlite:$db" report --from "$from" --to "$to" --format json --out "$work/h.json")")
      on_pg+=("$(wall "$B" --database "$url_pg" report --from "$from" --to "$to" --format json --out "$work/h.json")")
      duck+=("$($PY bench/figures.py native "$work/$size.duckdb" "$from" "$to" 2>&1 >/dev/null)")
    done
    ms=$(median "${on_sqlite[@]}") mp=$(median "${on_pg[@]}") md=$(median "${duck[@]}")
    {
      echo "| report, $period year(s), head to head: cadre's whole process (median of ${on_sqlite[*]}) | sqlite | $ms | | |"
      echo "| the same rounds (median of ${on_pg[*]}) | postgres | $mp | | |"
      echo "| the same rounds, DuckDB's queries alone over native tables (median of ${duck[*]}) | duckdb | $md | | |"
      echo "| cadre / DuckDB's queries alone, $period year(s), head to head | sqlite | $(python3 -c "print(f'{$ms / max($md, 0.0001):.2f}')") | | target: at most 0.2 |"
      echo "| cadre / DuckDB's queries alone, $period year(s), head to head | postgres | $(python3 -c "print(f'{$mp / max($md, 0.0001):.2f}')") | | target: at most 0.2 |"
    } >>"$report"
  done
  fi

  cat "$report"
  rm -rf "$work"
done

#!/usr/bin/env bash
# The bounded load test at full length on a release build: 50 connections (wrk) for 60
# seconds over the dashboard, the trainings list, the report page and the API, signed in, while
# two coordinators save edits to the same training and each to one of its own; asserts no
# server error, no socket error and no lost edit, and prints wrk's figures.
#
#   bench/load.sh            # 60 s;  CADRE_LOAD_SECONDS=300 bench/load.sh for longer
#
# The same test runs for 10 s (debug build) in the test command (crates/cli/tests/load.rs), and
# this script as a smoke run of 3 s (CADRE_LOAD_SECONDS=3 CADRE_BENCH_PROFILE=debug) so that it
# cannot break unnoticed.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null 2>&1 || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
}
profile=--release
[ "${CADRE_BENCH_PROFILE:-release}" = release ] || profile=
CADRE_LOAD_SECONDS="${CADRE_LOAD_SECONDS:-60}" \
  cargo test $profile --locked -p cadre --test load -- --nocapture 2>&1 |
  grep -vE "^(running|test result|     Running|    Finished|   Compiling)" | sed '/^$/d'

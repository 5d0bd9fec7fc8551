#!/usr/bin/env bash
# Runs every test of cadre on this machine, starting what the tests need when it is not running.
# The README names this command; CI (.ci/run) calls it after the format and lint checks.
#
# The store's tests run on SQLite and on PostgreSQL: the server named by CADRE_TEST_POSTGRES,
# by default the local one (127.0.0.1:5432, user postgres, database test, trust auth). Each
# test works in a schema of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is not installed: install Rust (rustup) first" >&2
  exit 1
fi

export CADRE_TEST_POSTGRES="${CADRE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"

postgres_up() {
  command -v psql >/dev/null 2>&1 && psql "$CADRE_TEST_POSTGRES" -qAtc 'SELECT 1' >/dev/null 2>&1
}

if ! postgres_up; then
  # A local cluster that is installed but stopped is started; nothing is installed here.
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    for version in /etc/postgresql/*; do
      pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start >/dev/null 2>&1 || true
    done
    for _ in $(seq 1 20); do postgres_up && break; sleep 0.5; done
  fi
fi
if ! postgres_up; then
  cat >&2 <<MSG
PostgreSQL is not reachable at $CADRE_TEST_POSTGRES (checked with psql).
The store's tests run on PostgreSQL as well as SQLite. Start the server, or point
CADRE_TEST_POSTGRES at one where the user may create schemas.
MSG
  exit 1
fi

# The import tests read workbooks written by another program (openpyxl), and the API is tested
# against its OpenAPI document by schemathesis: both from PyPI, in a virtualenv of its own
# (made once, kept in target/).
VENV=target/test-venv
if ! "$VENV/bin/python" -c 'import openpyxl' >/dev/null 2>&1 || ! [ -x "$VENV/bin/st" ]; then
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    # Debian's python3 keeps venv in a package of its own.
    if command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    fi
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q 'openpyxl==3.1.5' 'schemathesis==4.32.5'
fi
export CADRE_TEST_PYTHON="$PWD/$VENV/bin/python"

# The browser tests drive Debian's Chromium through chromedriver, and check each page with
# axe-core from npm (kept in target/axe).
apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    [ -n "${CADRE_APT_UPDATED:-}" ] || { apt-get update -qq; CADRE_APT_UPDATED=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "cannot install $*: install it, then run this again" >&2
    exit 1
  fi
}
if ! command -v chromedriver >/dev/null 2>&1 || ! [ -x /usr/bin/chromium ]; then
  apt_install chromium chromium-driver
fi
# The bounded load test drives the server with wrk (Debian), and the test of two nodes puts
# nginx (Debian) in front of them as the load balancer.
command -v wrk >/dev/null 2>&1 || apt_install wrk
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || apt_install nginx
AXE=target/axe/node_modules/axe-core/axe.min.js
if ! [ -f "$AXE" ]; then
  command -v npm >/dev/null 2>&1 || apt_install npm
  mkdir -p target/axe
  (cd target/axe && npm install --silent --no-audit --no-fund axe-core@4.14.1 >/dev/null)
fi
export CADRE_AXE="$PWD/$AXE"

cargo test --workspace --locked "$@"
# The benchmarks' smoke runs, on the debug build the tests made: every answer a success and
# nginx answering the whole file, or the benchmark broke; no time is asserted here (figures
# are bench/web.sh's at size L, release build, in docs/benchmarks.md).
smoke=$(mktemp -d)
CADRE_BENCH_SECONDS=1 CADRE_BENCH_PROFILE=debug CADRE_BENCH_OUT="$smoke" \
  CADRE_BENCH_DATA="$smoke/data" bash bench/web.sh S
CADRE_LOAD_SECONDS=3 CADRE_BENCH_PROFILE=debug bash bench/load.sh
rm -rf "$smoke"
bash scripts/schemathesis.sh
# The readers and parsers under the fuzzer, a minute each (nightly toolchain, cargo-fuzz).
bash scripts/fuzz.sh

#!/usr/bin/env bash
# The web application under load, on loopback, on data made by `cadre gen`:
#
#   bench/web.sh        size S;   bench/web.sh L   size L (10M attendance rows; the import
#                       alone takes several minutes)
#
# wrk (Debian) with 50 connections, signed in as everyone is (a sign-in cookie for the pages,
# an API token for the API), against the dashboard, the trainings list with a search, a
# one-year report page and /api/v1/report for one year; the same year published and read
# signed out (its page, its JSON, the list of reports, the sign-in page) for comparison; nginx
# (Debian) serving the very bytes of the API's answer as a static file, head to head in the
# same run; an edit of one training through the API and the next report showing it; and the
# server's peak memory. Needs wrk and nginx (installed with apt-get when missing). Writes
# bench/results/web-<size>.md and prints it.
#
# The test command runs it as a smoke run (CADRE_BENCH_SECONDS=1, CADRE_BENCH_PROFILE=debug,
# CADRE_BENCH_OUT in a temporary folder): every answer must be a success and nginx must answer
# the whole file, so the benchmark cannot break unnoticed; no time is asserted there.
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-S}"
lower=$(echo "$size" | tr 'A-Z' 'a-z')
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
DURATION="${CADRE_BENCH_SECONDS:-10}"
YEAR="${CADRE_BENCH_YEAR:-2015}"
PROFILE="${CADRE_BENCH_PROFILE:-release}"

for tool in wrk nginx; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
  fi
done

if [ "$PROFILE" = release ]; then
  cargo build --release --locked -q -p cadre
else
  cargo build --locked -q -p cadre
fi
B="$TARGET/$PROFILE/cadre"
data="${CADRE_BENCH_DATA:-bench/data}/$size"
[ -f "$data/attendance.csv" ] || "$B" gen --size "$lower" --out "$data" >/dev/null
work=$(mktemp -d)
db="sqlite:$work/cadre.db"
for kind in partners trainings sessions attendance; do
  "$B" --database "$db" import "$kind" "$data/$kind.csv" >/dev/null
done
# Everyone signs in: an account for the benchmark, its API token, and the year published for
# the signed-out comparison.
EMAIL="bench@cadre.example"
PASSWORD="a benchmark password, long enough"
echo "$PASSWORD" | "$B" --database "$db" user add "$EMAIL" --role admin --password-stdin >/dev/null
TOKEN=$("$B" --database "$db" token create "$EMAIL" | tail -n 1)
slug=$("$B" --database "$db" publish --year "$YEAR" --unapproved | sed -n 's|.*at /reports/\([^ ]*\) on the web.*|\1|p')
[ -n "$slug" ] || { echo "the year $YEAR could not be published" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
RUST_LOG=warn "$B" --database "$db" serve --addr "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
nginx_pid=""
cleanup() {
  kill -TERM "$server" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill -TERM "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
  curl -sf -o /dev/null "$base/sign-in" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.5
done
# Signed in through the sign-in form, as a browser is (its fetch metadata passes the CSRF
# check): the cookie it sets.
COOKIE=$(curl -s -o /dev/null -D - -H 'Sec-Fetch-Site: same-origin' \
  --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" "$base/sign-in" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n 1)
[ -n "$COOKIE" ] || { echo "the benchmark's account could not sign in" >&2; exit 1; }
curl -sf -o /dev/null -H "Cookie: $COOKIE" "$base/" || { echo "signed in, the dashboard did not answer" >&2; exit 1; }

# load NAME URL [HEADER]: wrk's median, 99th percentile and requests per second. A run in which
# any answer was not a success stops the benchmark: wrk counts errors as requests served, and
# a fast 401 or 403 would pass for a fast answer (which this script once measured, unawares).
load() {
  if [ -n "${3:-}" ]; then
    wrk -t2 -c50 -d"${DURATION}s" --latency -H "$3" "$2" >"$work/wrk.txt"
  else
    wrk -t2 -c50 -d"${DURATION}s" --latency "$2" >"$work/wrk.txt"
  fi
  if grep -q "Non-2xx or 3xx responses\|Socket errors" "$work/wrk.txt"; then
    echo "$1: not every answer was a success:" >&2
    cat "$work/wrk.txt" >&2
    exit 1
  fi
  local p50 p99 rps
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
  last_rps=$rps
  echo "| $1 | $p50 | $p99 | $rps |"
}

out="${CADRE_BENCH_OUT:-bench/results}"
report="$out/web-$size.md"
mkdir -p "$out"
{
  echo "# Web application under load, size $size ($(($(wc -l <"$data/attendance.csv") - 1)) attendance rows)"
  echo
  echo "wrk -t2 -c50 -d${DURATION}s on loopback, $(date -u +%Y-%m-%d), $(nproc) cores, $PROFILE build."
  echo
  echo "Signed in (a sign-in cookie for the pages, an API token for the API):"
  echo
  echo "| request | median | 99th percentile | requests/s |"
  echo "| --- | --- | --- | --- |"
  load "dashboard /" "$base/" "Cookie: $COOKIE"
  load "trainings list, search \"financial\"" "$base/trainings?q=financial" "Cookie: $COOKIE"
  load "report page, $YEAR" "$base/report?kind=year&year=$YEAR" "Cookie: $COOKIE"
  load "/api/v1/report, $YEAR" "$base/api/v1/report?from=$YEAR-01-01&to=$YEAR-12-31" "Authorization: Bearer $TOKEN"
  api_rps=$last_rps
  echo
  echo "Signed out, for comparison (the year published, and what anyone may read):"
  echo
  echo "| request | median | 99th percentile | requests/s |"
  echo "| --- | --- | --- | --- |"
  load "published report page, $YEAR" "$base/reports/$slug"
  load "published report's JSON, $YEAR" "$base/reports/$slug/report.json"
  load "list of published reports" "$base/reports"
  load "sign-in page" "$base/sign-in"
  echo
  echo "The API's answer beside nginx serving the same bytes:"
  echo
  echo "| request | median | 99th percentile | requests/s |"
  echo "| --- | --- | --- | --- |"
} >"$report"

# nginx serving the same bytes as a static file, in the same run, at its best (sendfile).
# Its workers run as another user: the folder must be theirs to read, or every answer is a
# 403 (which an earlier version of this script measured, unawares, as 170,000 answers/s).
mkdir -p "$work/static" "$work/nginx"
chmod 755 "$work" "$work/static"
curl -sf -H "Authorization: Bearer $TOKEN" "$base/api/v1/report?from=$YEAR-01-01&to=$YEAR-12-31" >"$work/static/report.json"
chmod 644 "$work/static/report.json"
nport=$(free_port)
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types { application/json json; }
  server {
    listen 127.0.0.1:$nport;
    root $work/static;
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$nport/report.json" && break; sleep 0.1; done
got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$nport/report.json")
[ "$got" = "200 $(wc -c <"$work/static/report.json")" ] || { echo "nginx answered $got, not the file" >&2; exit 1; }
load "nginx, the same bytes as a file" "http://127.0.0.1:$nport/report.json" >>"$report"
{
  echo
  echo "The answer is $(wc -c <"$work/static/report.json") bytes. /api/v1/report, signed in with a token, served $(python3 -c "print(f'{$api_rps / $last_rps:.2f}')") x nginx's rate (target: at least 0.7)."
} >>"$report"

# An edit through the API shows in the next report.
auth="Authorization: Bearer $TOKEN"
id=$(curl -sf -H "$auth" "$base/api/v1/trainings?limit=1&from=$YEAR-01-01&to=$YEAR-12-31" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
before=$(curl -sf -H "$auth" "$base/api/v1/report?from=$YEAR-01-01&to=$YEAR-12-31" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value_usd"])')
curl -sf -H "$auth" "$base/api/v1/trainings/$id" | python3 -c '
import json, sys
t = json.load(sys.stdin)
t["value_usd"] = "%d.00" % (int(float(t["value_usd"] or 0)) + 1000)
t.pop("id")
print(json.dumps(t))' >"$work/edit.json"
start=$(date +%s.%N)
curl -sf -X PUT -H "$auth" -H 'content-type: application/json' --data @"$work/edit.json" "$base/api/v1/trainings/$id" >/dev/null
after=$(curl -sf -H "$auth" "$base/api/v1/report?from=$YEAR-01-01&to=$YEAR-12-31" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value_usd"])')
end=$(date +%s.%N)
peak=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$server/status")
{
  echo
  echo "An edit of training $id through the API (PUT) and the next report, in $(python3 -c "print(f'{($end - $start) * 1000:.0f}')") ms: the year's value went from $before to $after."
  echo
  echo "The server's peak memory (VmHWM): $peak MiB."
} >>"$report"
[ "$before" != "$after" ] || { echo "the edit did not show in the next report" >&2; exit 1; }
cat "$report"

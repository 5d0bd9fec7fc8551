#!/usr/bin/env bash
# The API against its own OpenAPI document: schemathesis (PyPI) sends generated requests, valid
# and invalid, to a running cadre serving the demo data, with its default checks, and fails on
# any answer the document does not promise. Called by scripts/test.sh after the cargo tests
# (which build target/debug/cadre); needs the venv scripts/test.sh makes.
set -euo pipefail
cd "$(dirname "$0")/.."
ST="${CADRE_SCHEMATHESIS:-target/test-venv/bin/st}"
BIN=target/debug/cadre
[ -x "$BIN" ] || cargo build -p cadre --locked
work=$(mktemp -d)
log="$work/serve.log"
"$BIN" demo --dir "$work/demo" --addr 127.0.0.1:0 >"$log" 2>&1 &
server=$!
cleanup() { kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
addr=""
for _ in $(seq 1 240); do
  addr=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n1 || true)
  [ -n "$addr" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$addr" ] || { echo "cadre demo did not start serving" >&2; cat "$log" >&2; exit 1; }
# The API answers accounts only: a coordinator's token, made as a program's would be.
token=$("$BIN" --database "sqlite:$work/demo/cadre.db" token create coordinator@demo.cadre \
  --expires-in 1 --label schemathesis 2>/dev/null)
echo "== schemathesis against $addr/api/v1, as coordinator@demo.cadre"
"$ST" --config-file crates/web/tests/schemathesis.toml run "$addr/api/v1/openapi.json" \
  --url "$addr/api/v1" --max-examples 30 --seed 20201 --no-color \
  --header "Authorization: Bearer $token"

#!/usr/bin/env bash
# Runs every test of cadre on this machine, installing what the tests need when it is missing.
# The README names this command; CI (.ci/run) calls it after the format and lint checks.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is not installed: install Rust (rustup) first" >&2
  exit 1
fi

cargo test --workspace --locked "$@"

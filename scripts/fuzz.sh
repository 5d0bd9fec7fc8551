#!/usr/bin/env bash
# A short run of every fuzz target (fuzz/, cargo-fuzz on the nightly toolchain): each reader
# and parser gets SECONDS of inputs made from the corpus kept in fuzz/corpus, under
# AddressSanitizer, with a memory and a time limit per input. A panic, a hang past the time
# limit or memory past the limit fails the run, and the input is kept in fuzz/artifacts.
#
#   scripts/fuzz.sh            # about a minute each (CI)
#   SECONDS_EACH=600 scripts/fuzz.sh   # longer, by hand
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

SECONDS_EACH="${SECONDS_EACH:-60}"
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzzing needs the nightly toolchain (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi
cargo +nightly fuzz build
# The run grows its corpus: it works on a copy, so the one kept stays small.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in $(cargo +nightly fuzz list); do
  mkdir -p "$work/$target"
  cp -r "corpus/$target/." "$work/$target/"
  echo "== fuzz $target for ${SECONDS_EACH}s"
  cargo +nightly fuzz run "$target" "$work/$target" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    2>&1 | grep -E "^(#[0-9]+ +DONE|Done|stat::number_of_executed_units|==[0-9]+==|SUMMARY|thread .* panicked|artifact)" || true
  # cargo fuzz exits non-zero on a crash; the pipe above hides it, so look for the artifact.
  if compgen -G "artifacts/$target/*" >/dev/null; then
    echo "fuzz $target found an input that fails: fuzz/artifacts/$target/" >&2
    exit 1
  fi
done

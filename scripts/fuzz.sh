#!/usr/bin/env bash
# Runs every cargo-fuzz target in turn, as fuzz/README.md describes:
#   scripts/fuzz.sh [LONG_SECONDS] [SHORT_SECONDS]
# values, template (the budgets' targets), split (the parallel parse), stored (kept parses) and yaml_fast (the parser's fast path) run LONG_SECONDS each (default 300), load, check
# and render SHORT_SECONDS each (default 120). Needs cargo-fuzz 0.13 (`cargo install
# cargo-fuzz --locked`); the stable toolchain is enough (fuzz/run.sh sets RUSTC_BOOTSTRAP).
# Builds go to fuzz/target (about 2 GB): `rm -rf fuzz/target` when done. A crash stops the
# run and leaves its input in fuzz/artifacts/TARGET.
set -euo pipefail
cd "$(dirname "$0")/.."
long=${1:-300}
short=${2:-120}
for target in values template split stored yaml_fast load check render; do
  case $target in
    values | template | split | stored | yaml_fast) seconds=$long ;;
    *) seconds=$short ;;
  esac
  echo "== $target: ${seconds}s"
  fuzz/run.sh "$target" "$seconds"
done

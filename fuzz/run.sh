#!/usr/bin/env bash
# Runs one fuzz target for a while: fuzz/run.sh TARGET SECONDS
# Seeds come from the repository's test data (rule fixtures, policy cases, scenarios); findings land in fuzz/artifacts/TARGET.
# cargo-fuzz needs unstable rustc flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?target: load, check, template, values, render, split, stored or yaml_fast}
seconds=${2:-600}
mkdir -p "corpus/$target"
find ../testdata ../policies ../tests/data -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -64k -print0 |
  while IFS= read -r -d '' f; do cp "$f" "corpus/$target/$(sha1sum < "$f" | cut -c1-16)"; done
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" "corpus/$target" -- \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1

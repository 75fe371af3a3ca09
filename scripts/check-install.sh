#!/usr/bin/env bash
# Checks the two install commands the README gives, from a clean copy of the committed
# tree (`git archive HEAD`: nothing built, nothing uncommitted) into a temporary root:
#
#   cargo install --locked --path .
#   cargo install --locked --git URL k8lint
#
# (the git one from this repository's own history, as a file:// URL), then runs the
# installed binary on the demo. To stay cheap it builds the debug profile and reuses
# this checkout's target/ for the dependencies (CARGO_TARGET_DIR); pass --release to
# build what users get.
#
#   scripts/check-install.sh [--release]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
profile=(--debug)
if [[ "${1:-}" == "--release" ]]; then profile=(); fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

echo "== clean copy of $(git -C "$root" rev-parse --short HEAD) in $work/src"
mkdir "$work/src"
git -C "$root" archive HEAD | tar -x -C "$work/src"

echo "== cargo install --locked --path . (root $work/path)"
(cd "$work/src" && cargo install --locked --path . --root "$work/path" "${profile[@]}" --quiet)

# The package is named: the repository also holds the fuzz crate's binaries.
echo "== cargo install --locked --git file://$root k8lint (root $work/git)"
cargo install --locked --git "file://$root" --rev "$(git -C "$root" rev-parse HEAD)" \
    --root "$work/git" "${profile[@]}" --quiet k8lint

for bin in "$work/path/bin/k8lint" "$work/git/bin/k8lint"; do
    echo "== $bin"
    "$bin" --version
    # The demo has deliberate faults: exit status 1 and findings, nothing else.
    set +e
    (cd "$root" && "$bin" check tests/data/demo --format short --min-severity error)
    status=$?
    set -e
    if [[ $status -ne 1 ]]; then
        echo "expected exit status 1 on the demo, got $status" >&2
        exit 1
    fi
done
echo "== both installs work"

#!/usr/bin/env bash
# Exercises .pre-commit-hooks.yaml with the real pre-commit tool (pip install pre-commit)
# on a throw-away sample repository: a commit with a broken manifest is refused, the fixed
# one passes. Uses `pre-commit try-repo`, which runs the hooks of this checkout as they
# are (committed or not).
#
#   scripts/pre-commit-demo.sh                 # uses target/debug/k8lint (cargo build first)
#   K8LINT=/usr/local/bin/k8lint scripts/pre-commit-demo.sh
#
# Runs the `k8lint-system` hook, which takes k8lint from PATH; the `k8lint` hook is the
# same command but has pre-commit build the binary with cargo first.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
k8lint="${K8LINT:-$root/target/debug/k8lint}"
if ! command -v pre-commit >/dev/null; then
    echo "pre-commit is not installed (pip install pre-commit)" >&2
    exit 3
fi
if [ ! -x "$k8lint" ]; then
    echo "no k8lint binary at $k8lint (cargo build, or set K8LINT)" >&2
    exit 3
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PATH="$(dirname "$k8lint"):$PATH"
export PRE_COMMIT_HOME="$work/cache"
repo="$work/repo"
mkdir -p "$repo/deploy"
cd "$repo"
git init -q
git config user.email demo@example.com
git config user.name demo

# A Deployment and a Service in separate files: checked together, as one repository.
cat > deploy/web.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
YAML
cat > deploy/service.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - {port: 80, targetPort: 8080}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - {port: 81}
YAML
git add deploy

echo "== broken: two Services named web (expect the hook to fail)"
status=0
pre-commit try-repo "$root" k8lint-system --verbose >"$work/out" 2>&1 || status=$?
cat "$work/out"
# pre-commit exits 1 when a hook fails; the failure must be k8lint's finding, not an
# error of pre-commit itself.
if [ "$status" -ne 1 ] || ! grep -q "duplicate-object" "$work/out"; then
    echo "FAIL: expected the hook to report duplicate-object (pre-commit exit $status)" >&2
    exit 1
fi

# The fix: drop the duplicate.
python3 - <<'PY'
import pathlib
p = pathlib.Path("deploy/service.yaml")
p.write_text(p.read_text().split("---")[0])
PY
git add deploy
echo "== fixed (expect the hook to pass)"
pre-commit try-repo "$root" k8lint-system --verbose
echo "pre-commit demo: ok"

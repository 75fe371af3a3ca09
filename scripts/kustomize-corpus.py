#!/usr/bin/env python3
"""Differential test of k8lint's kustomize build against `kubectl kustomize`.

For every kustomization under a root (default: ../shared/corpus), compares
`k8lint render DIR --no-defaults` with `kubectl kustomize DIR | k8lint render - --no-defaults`
and prints matched/total, with the reason for each mismatch.

Usage: scripts/kustomize-corpus.py [ROOT] [--k8lint PATH] [-v]
"""

import argparse
import difflib
import json
import os
import subprocess
import sys

NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def kustomizations(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if any(n in filenames for n in NAMES):
            yield dirpath


def run(cmd, stdin=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, timeout=300)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def kind_of(k8lint, d):
    """Component folders are not built on their own by kustomize."""
    for n in NAMES:
        p = os.path.join(d, n)
        if os.path.isfile(p):
            with open(p, encoding="utf-8", errors="replace") as f:
                return "Component" if "kind: Component" in f.read() else "Kustomization"
    return "Kustomization"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus"))
    ap.add_argument("--k8lint", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "k8lint"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    k8lint = os.path.abspath(args.k8lint)
    matched, total, skipped = 0, 0, []
    for d in kustomizations(root):
        rel = os.path.relpath(d, root)
        if kind_of(k8lint, d) == "Component":
            skipped.append((rel, "a Component (built only through the kustomizations that list it)"))
            continue
        rc, theirs_raw, err = run(["kubectl", "kustomize", d])
        if rc != 0:
            # Both must fail: kubectl with an error, k8lint with a kustomize-error finding.
            total += 1
            why = " ".join(err.split())
            why = why[why.find("err=") :][:200] if "err=" in why else why[:200]
            _, report, _ = run([k8lint, "check", d, "--format", "json", "--fail-on", "never"])
            try:
                found = [f for f in json.loads(report)["diagnostics"] if f["rule"] == "kustomize-error"]
            except (ValueError, KeyError):
                found = []
            if found:
                matched += 1
                if args.verbose:
                    print(f"both fail {rel}: kubectl {why}; k8lint: {found[0]['message'][:160]}")
            else:
                print(f"MISMATCH  {rel}: kubectl fails ({why}), k8lint builds it")
            continue
        total += 1
        _, theirs, _ = run([k8lint, "render", "-", "--no-defaults"], stdin=theirs_raw)
        rc2, ours, err2 = run([k8lint, "render", d, "--no-defaults"])
        if ours == theirs:
            matched += 1
            if args.verbose:
                print(f"match     {rel}")
            continue
        diff = list(difflib.unified_diff(theirs.decode().splitlines(), ours.decode().splitlines(), "kubectl", "k8lint", n=0, lineterm=""))
        first = [l for l in diff[2:] if not l.startswith("@@")][:6]
        reason = "; ".join(first) if first else (err2.strip().splitlines() or ["exit " + str(rc2)])[-1]
        print(f"MISMATCH  {rel}: {reason[:400]}")
    for rel, why in skipped:
        print(f"skipped   {rel}: {why}")
    print(f"matched {matched}/{total} (same output, or both fail; skipped {len(skipped)} components)")
    return 0 if matched == total else 1


if __name__ == "__main__":
    sys.exit(main())

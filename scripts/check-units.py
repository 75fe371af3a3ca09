#!/usr/bin/env python3
"""Checks a `k8lint check --format json` report for findings that reach across apply units.

Usage: scripts/check-units.py REPORT.json

A finding's related location must be in a folder that is an ancestor or a descendant of
the finding's folder (its file's folder, or its unit's folder: objects a kustomization
builds belong to the kustomization's folder). A finding of a declared unit (a `unit` that
is not a folder) is not checked: a declared unit joins folders on purpose. Prints each
finding that breaks this and exits 1 when there is one.
"""

import json
import posixpath
import sys


def related(a, b):
    """Whether one folder contains the other (or they are the same)."""
    a, b = posixpath.normpath(a), posixpath.normpath(b)
    if a == "." or b == ".":
        return True
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def main():
    report = json.load(open(sys.argv[1]))
    bad = []
    checked = 0
    for d in report["diagnostics"]:
        folder = posixpath.dirname(d["file"]) or "."
        unit = d.get("unit", folder)
        for r in d["related"]:
            checked += 1
            other = posixpath.dirname(r["file"]) or "."
            if related(folder, other) or related(unit, other):
                continue
            # A build's related location names the kustomization that built the object.
            if r["message"].startswith("built by"):
                continue
            bad.append((d["rule"], d["file"], d["line"], r["file"], r["line"], r["message"]))
    for b in bad:
        print("%s %s:%s -> %s:%s (%s)" % b)
    print(f"{checked} related locations checked, {len(bad)} across units")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

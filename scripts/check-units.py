#!/usr/bin/env python3
"""Checks a `k8lint check --format json` report for findings that reach across apply units.

Usage: scripts/check-units.py REPORT.json

A finding's related location must be in the finding's apply unit or one that sees it: the
related object's unit (`related[].unit`; objects a kustomization builds belong to the
kustomization's folder, wherever their file is) or, for reports without it, the related
file's folder, must be an ancestor or a descendant of the finding's folder or unit, or the
same declared unit. Related locations that join units on purpose are listed with the
reason and not counted as crossings: the CRD that defines a custom resource's type (a CRD
is cluster-wide). Prints each crossing and exits 1 when there is one.
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


# Rules whose related location is the CRD that defines the object's type: a CRD defines
# its type for the whole cluster, so it is seen from every unit on purpose.
CRD_RULES = {"cel-validation"}


def main():
    report = json.load(open(sys.argv[1]))
    bad, joined = [], []
    checked = 0
    for d in report["diagnostics"]:
        folder = posixpath.dirname(d["file"]) or "."
        unit = d.get("unit", folder)
        for r in d["related"]:
            checked += 1
            other = posixpath.dirname(r["file"]) or "."
            other_unit = r.get("unit", other)
            if other_unit == unit or any(
                related(a, b) for a in (folder, unit) for b in (other, other_unit)
            ):
                continue
            # A build's related location names the kustomization that built the object.
            if r["message"].startswith("built by"):
                continue
            row = (d["rule"], d["file"], d["line"], r["file"], r["line"], r["message"])
            if d["rule"] in CRD_RULES:
                joined.append(row + ("the CRD that defines the type: CRDs are cluster-wide",))
                continue
            bad.append(row)
    for j in joined:
        print("joined: %s %s:%s -> %s:%s (%s): %s" % j)
    for b in bad:
        print("%s %s:%s -> %s:%s (%s)" % b)
    print(
        f"{checked} related locations checked, {len(joined)} joined on purpose, "
        f"{len(bad)} across units"
    )
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

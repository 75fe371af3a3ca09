#!/usr/bin/env python3
"""Dev-only: k8lint's verdicts on kubectl-validate's labelled test documents.

kubectl-validate's test cases (testcases/manifests/*.yaml, with the CRDs of
testcases/crds) label each document with the API server's answer: Success, or a
Failure status. This runs k8lint once over the project folder and counts a document
as rejected when k8lint reports an error-severity finding within its lines, then
prints every document whose verdict differs from its label.

    python3 scripts/compare_kubectl_validate.py --k8lint target/release/k8lint \
        /work/shared/corpus/kubernetes-sigs__kubectl-validate

Exits 1 when a document disagrees.
"""

import argparse
import collections
import json
import pathlib
import subprocess
import sys

CROSS_FILE_RULES = {"duplicate-object"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--k8lint", default="target/release/k8lint")
    ap.add_argument("project", help="folder holding EXPECTED.json and testcases/")
    ap.add_argument("-v", "--verbose", action="store_true", help="also list agreeing rejections")
    args = ap.parse_args()
    root = pathlib.Path(args.project).resolve()
    expected = json.loads((root / "EXPECTED.json").read_text(encoding="utf-8"))

    report = subprocess.run(
        [str(pathlib.Path(args.k8lint).resolve()), "check", ".", "--format", "json",
         "--fail-on", "never"],
        capture_output=True, text=True, check=False, cwd=root,
    )
    if report.returncode != 0:
        sys.exit(f"k8lint failed: {report.stderr}")
    errors = collections.defaultdict(list)
    for d in json.loads(report.stdout)["diagnostics"]:
        # Each test file is applied on its own: an object defined again in another
        # file is not a verdict on the document.
        if d["severity"] == "error" and d["rule"] not in CROSS_FILE_RULES:
            errors[d["file"]].append(d)

    agree, disagree = 0, []
    for case in expected["cases"]:
        for doc in case["documents"]:
            found = [
                d for d in errors.get(case["file"], [])
                if doc["first_line"] <= d["line"] <= doc["last_line"]
            ]
            rejected = bool(found)
            if rejected == (doc["expected_status"] == "Failure"):
                agree += 1
                if args.verbose and found:
                    print(f"{case['file']}: " + "; ".join(f"{d['rule']}: {d['message']}" for d in found))
            else:
                disagree.append((case["file"], doc, found))
    total = agree + len(disagree)
    print(f"{agree} of {total} documents get the API server's verdict")
    for file, doc, found in disagree:
        print(f"\n{file} lines {doc['first_line']}-{doc['last_line']}: "
              f"expected {doc['expected_status']}, k8lint {'rejects' if found else 'accepts'}")
        for d in found:
            print(f"  {d['line']}:{d['column']} {d['rule']}: {d['message']}")
    sys.exit(1 if disagree else 0)


if __name__ == "__main__":
    main()

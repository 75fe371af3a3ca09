#!/usr/bin/env python3
"""Dev-only: compares k8lint's schema verdicts with kubernetes-validate's on a directory.

For every object (documents, and items of `kind: List`) this records whether k8lint
reports a `schema` or `yaml-implicit-type` error and whether kubernetes-validate (strict
mode, the same target version) rejects it, then lists the objects where they disagree.
Objects that one tool has no schema for (custom resources, removed apiVersions) are
counted apart. Not a test dependency:

    python3 -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install kubernetes-validate
    /tmp/kvenv/bin/python scripts/compare_kubernetes_validate.py --k8lint target/release/k8lint \
        --version 1.34 /work/shared/corpus
"""

import argparse
import collections
import json
import pathlib
import subprocess
import sys

import kubernetes_validate
import yaml

SCHEMA_RULES = {"schema", "yaml-implicit-type"}


def objects_of(path):
    """(first line, last line, object) for every object of a YAML file (List items too)."""
    try:
        text = path.read_text(encoding="utf-8")
        docs = list(yaml.safe_load_all(text))
        nodes = list(yaml.compose_all(text))
    except Exception:  # noqa: BLE001 - unparseable files are k8lint's yaml-syntax business
        return []
    out = []
    for doc, node in zip(docs, nodes):
        if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
            continue
        lines = (node.start_mark.line + 1, node.end_mark.line + 1)
        if str(doc["kind"]).endswith("List") and isinstance(doc.get("items"), list):
            item_nodes = next((v.value for k, v in node.value if k.value == "items"), [])
            for item, n in zip(doc["items"], item_nodes):
                if isinstance(item, dict) and "kind" in item:
                    out.append((n.start_mark.line + 1, n.end_mark.line + 1, item))
        else:
            out.append((*lines, doc))
    return out


def key(obj):
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    return (str(obj.get("apiVersion")), str(obj.get("kind")), str(meta.get("name") or ""))


def kv_verdict(obj, version):
    try:
        kubernetes_validate.validate(obj, version, strict=True)
        return "valid", ""
    except kubernetes_validate.SchemaNotFoundError:
        return "no-schema", ""
    except kubernetes_validate.ValidationError as e:
        where = "/".join(str(p) for p in e.absolute_path)
        return "invalid", f"{where}: {e.message}"[:300]
    except Exception as e:  # noqa: BLE001 - reported as its own category
        return "error", f"{type(e).__name__}: {e}"[:300]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--k8lint", default="target/release/k8lint")
    ap.add_argument("--version", default="1.34")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()

    report = subprocess.run(
        [args.k8lint, "check", "--format", "json", "--fail-on", "never",
         "--kubernetes-version", args.version, *args.paths],
        capture_output=True, text=True, check=False,
    )
    if report.returncode != 0:
        sys.exit(f"k8lint failed: {report.stderr}")
    k8 = collections.defaultdict(list)
    for d in json.loads(report.stdout)["diagnostics"]:
        o = d.get("object")
        if o and d["rule"] in SCHEMA_RULES:
            k8[d["file"]].append((d["line"], f'{d["line"]}:{d["column"]} {d["rule"]}: {d["message"]}'))

    counts = collections.Counter()
    disagreements = []
    only_k8lint = []
    for root in args.paths:
        for path in sorted(pathlib.Path(root).rglob("*")):
            if path.suffix not in (".yaml", ".yml", ".json") or any(p.startswith(".") for p in path.parts):
                continue
            for first, last, obj in objects_of(path):
                verdict, why = kv_verdict(obj, args.version)
                mine = [m for line, m in k8.get(str(path), []) if first <= line <= last]
                counts[(verdict, bool(mine))] += 1
                if verdict == "valid" and mine or verdict == "invalid" and not mine:
                    disagreements.append((str(path), key(obj), verdict, why, mine))
                elif verdict == "no-schema" and mine:
                    only_k8lint.append((str(path), key(obj), mine))
    for (verdict, flagged), n in sorted(counts.items()):
        print(f"kubernetes-validate {verdict:9} / k8lint {'error' if flagged else 'clean':5}: {n}")
    print(f"\n{len(disagreements)} disagreement(s)")
    for path, (api, kind, name), verdict, why, mine in disagreements:
        print(f"\n{path}: {api} {kind} {name}\n  kubernetes-validate: {verdict} {why}")
        for m in mine:
            print(f"  k8lint: {m}")
    print(f"\n{len(only_k8lint)} object(s) only k8lint has a schema for (CRDs in the inputs)")
    for path, (api, kind, name), mine in only_k8lint:
        print(f"\n{path}: {api} {kind} {name}")
        for m in mine:
            print(f"  k8lint: {m}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmarks `k8lint check` (release build, every rule enabled) on generated repositories
of 1,000, 10,000 and 100,000 objects: wall time, objects per second and peak memory.

When Checkov and kubernetes-validate are on PATH (or in --peers-bin), they run on the
same files at the sizes up to --peer-max, and the ratios are printed beside k8lint's.
The fault oracle of each repository (bench/genrepo.py) is compared with k8lint's JSON
report: which planted faults the registered rules reported.

    python3 bench/run.py                      # 1k, 10k, 100k; peers up to 10k
    python3 bench/run.py --sizes 10000 --runs 5 --peers-bin /opt/peers/bin

Wall time is the median of the runs; CPU time (user + system) is printed too, since on a
shared machine wall time also counts the wait for a free core. Standard library only.
Peak memory is the child's maximum resident set (getrusage via
os.wait4), so it measures the one process, not this script.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def measure(cmd, stdout_path=os.devnull, cwd=None):
    """Runs cmd; returns (wall seconds, peak RSS in MiB, exit status, CPU seconds)."""
    with open(stdout_path, "wb") as out, open(os.devnull, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux.
    return wall, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def find_tool(name, peers_bin):
    if peers_bin:
        candidate = os.path.join(peers_bin, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which(name)


def every_rule(k8lint):
    """`--enable` flags for every registered rule, so opt-in rules run too."""
    out = subprocess.run([k8lint, "rules", "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    flags = []
    for rule in json.loads(out):
        flags += ["--enable", rule["id"]]
    return flags, [r["id"] for r in json.loads(out)]


def yaml_files(repo):
    files = []
    for dirpath, _, names in os.walk(repo):
        files += [os.path.join(dirpath, n) for n in names if n.endswith((".yaml", ".yml"))]
    return sorted(files)


def oracle_report(repo, report_path, known_rules):
    """How many planted faults whose rule is registered were reported in their file."""
    with open(repo.rstrip("/") + ".faults.json") as fh:
        faults = json.load(fh)["faults"]
    try:
        with open(report_path) as fh:
            diagnostics = json.load(fh)["diagnostics"]
    except (OSError, ValueError, KeyError):
        return "no JSON report"
    seen = {(os.path.normpath(d["file"]), d["rule"]) for d in diagnostics}
    checkable = [f for f in faults if f["rule"] in known_rules]
    found = [f for f in checkable
             if (os.path.normpath(os.path.join(repo, f["file"])), f["rule"]) in seen]
    missed = sorted({f["rule"] for f in checkable if f not in found})
    text = f"{len(found)}/{len(checkable)} planted faults reported"
    text += f" ({len(faults) - len(checkable)} await unregistered rules)"
    if missed:
        text += f"; missed: {', '.join(missed)}"
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=3, help="k8lint runs per size (median)")
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench"),
                    help="where repositories are generated")
    ap.add_argument("--no-build", action="store_true", help="use the existing release binary")
    ap.add_argument("--peers-bin", help="directory holding checkov and kubernetes-validate")
    ap.add_argument("--peer-max", type=int, default=10000, help="largest size peers run on")
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args()

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    k8lint = os.path.join(ROOT, "target", "release", "k8lint")
    flags, known = every_rule(k8lint)
    os.makedirs(args.work, exist_ok=True)
    checkov = None if args.no_peers else find_tool("checkov", args.peers_bin)
    kval = None if args.no_peers else find_tool("kubernetes-validate", args.peers_bin)
    if not args.no_peers:
        for name, path in (("checkov", checkov), ("kubernetes-validate", kval)):
            print(f"# {name}: {path or 'not installed, skipped (pip install ' + name + ')'}")

    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        repo = os.path.join(args.work, f"repo-{size}")
        if not os.path.exists(repo + ".faults.json"):
            subprocess.run([sys.executable, os.path.join(HERE, "genrepo.py"), "--out", repo,
                            "--objects", str(size), "--seed", "1"], check=True)
        with open(repo + ".faults.json") as fh:
            objects = json.load(fh)["objects"]
        megabytes = sum(os.path.getsize(f) for f in yaml_files(repo)) / 1e6
        report = os.path.join(args.work, f"report-{size}.json")
        cmd = [k8lint, "check", repo, "--format", "json", "--fail-on", "never"] + flags
        # One warm-up run fills the page cache, as a second CI step would find it.
        measure(cmd, report)
        runs = [measure(cmd, report) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        cpu = statistics.median(r[3] for r in runs)
        row = {"objects": objects, "mb": megabytes, "wall": wall, "rate": objects / wall,
               "peak": peak, "cpu": cpu, "oracle": oracle_report(repo, report, known)}
        if size <= args.peer_max:
            files = yaml_files(repo)
            if checkov:
                t, m, _, _ = measure([checkov, "-d", repo, "--framework", "kubernetes",
                                   "--quiet", "--compact", "-o", "json"])
                row["checkov"] = (t, m)
            if kval:
                t, m, _, _ = measure([kval, "--quiet", "--strict", *files])
                row["kubernetes-validate"] = (t, m)
        rows.append(row)
        print_row(row)

    print()
    # CPU time (user + system) beside wall time: on a shared machine wall time also
    # counts the wait for a core.
    print("| objects | MB | k8lint wall | objects/s | CPU | peak RSS | Checkov | kubernetes-validate |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        peers = []
        for name in ("checkov", "kubernetes-validate"):
            if name in r:
                t, m = r[name]
                peers.append(f"{t:.1f} s ({t / r['wall']:.0f}x), {m:.0f} MiB")
            else:
                peers.append("-")
        print(f"| {r['objects']:,} | {r['mb']:.1f} | {r['wall']:.3f} s | {r['rate']:,.0f} "
              f"| {r['cpu']:.2f} s | {r['peak']:.0f} MiB | {peers[0]} | {peers[1]} |")
    print()
    for r in rows:
        print(f"oracle {r['objects']:,} objects: {r['oracle']}")


def print_row(r):
    text = (f"{r['objects']:>7,} objects {r['mb']:6.1f} MB: k8lint {r['wall']:.3f} s, "
            f"{r['rate']:,.0f} objects/s, CPU {r['cpu']:.2f} s, peak {r['peak']:.0f} MiB")
    for name in ("checkov", "kubernetes-validate"):
        if name in r:
            t, m = r[name]
            text += f"; {name} {t:.1f} s ({t / r['wall']:.0f}x slower), {m:.0f} MiB"
    print(text, flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""k8lint side by side with its peers, in one command, on the gen_scale repository
(seed 7): k8lint's wall time, CPU and peak memory without the cache, with a cold cache,
a warm cache and a warm cache after one file changed; Checkov and kubernetes-validate
(and kubeconform, kube-linter when on PATH) on the same files, with the ratio of their
wall time to k8lint's; and k8lint alone at the large size.

    python3 bench/peers.py --generator ../shared/corpus/gen_scale.py
    python3 bench/peers.py --generator GEN --big 0 --no-peers     # k8lint at 10k only

Checkov and kubernetes-validate are installed from PyPI into target/peers-venv when
they are not there yet (pinned below). The release binary must exist
(`cargo build --release --bin k8lint`). Every k8lint run enables every rule and the
default policies and writes the JSON report; the reports of the four cache modes are
compared byte for byte. Wall is the median of --runs runs, CPU (user + system) their
median, memory the largest peak resident set (getrusage via os.wait4). The machine's
load average is printed before and after: on a shared machine wall time also counts the
wait for a core. Standard library only.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, HERE)
from run import every_rule, measure, yaml_files  # noqa: E402

PEERS = {"checkov": "checkov==3.3.30", "kubernetes-validate": "kubernetes-validate==1.37.0"}


def peers_venv(work):
    """The venv holding the Python peers, created and filled when missing."""
    venv = os.path.join(ROOT, "target", "peers-venv")
    bin_dir = os.path.join(venv, "bin")
    missing = [spec for name, spec in PEERS.items()
               if not os.access(os.path.join(bin_dir, name), os.X_OK)]
    if missing:
        if not os.path.exists(bin_dir):
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(bin_dir, "pip"), "install", "--quiet", *missing],
                       check=True)
    return bin_dir


def generate(generator, out, docs):
    if not os.path.exists(os.path.join(out, "FAULTS.json")):
        subprocess.run([sys.executable, generator, "--out", out, "--docs", str(docs),
                        "--seed", "7"], check=True, stdout=subprocess.DEVNULL)
    return out


def median_of(cmd, runs, report, before=None):
    results = []
    for i in range(runs):
        if before:
            before(i)
        results.append(measure(cmd, report))
    return {
        "wall": statistics.median(r[0] for r in results),
        "cpu": statistics.median(r[3] for r in results),
        "peak": max(r[1] for r in results),
    }


def k8lint_modes(k8lint, flags, repo, runs, work):
    """The four cache modes on one repository; the reports must be identical."""
    base = [k8lint, "check", repo, "--format", "json", "--fail-on", "never", *flags]
    cache = os.path.join(work, "cache")
    reports = {m: os.path.join(work, f"report-{m}.json")
               for m in ("uncached", "cold", "warm", "edited", "edited-uncached")}
    rows = {}
    # One warm-up run fills the page cache, as a second CI step would find it.
    measure(base + ["--no-cache"], reports["uncached"])
    rows["uncached"] = median_of(base + ["--no-cache"], runs, reports["uncached"])

    def empty_cache(_):
        shutil.rmtree(cache, ignore_errors=True)
    rows["cold"] = median_of(base + ["--cache-dir", cache], runs, reports["cold"], empty_cache)
    rows["warm"] = median_of(base + ["--cache-dir", cache], runs, reports["warm"])

    # One file changed before every run: a comment line that differs each time.
    edited = yaml_files(repo)[0]
    with open(edited) as fh:
        original = fh.read()

    def edit(i):
        with open(edited, "w") as fh:
            fh.write(original + f"# edit {i} {os.getpid()}\n")
    try:
        rows["warm, 1 file changed"] = median_of(base + ["--cache-dir", cache], runs,
                                                 reports["edited"], edit)
        measure(base + ["--no-cache"], reports["edited-uncached"])
    finally:
        with open(edited, "w") as fh:
            fh.write(original)
    same = all(open(reports[m], "rb").read() == open(reports["uncached"], "rb").read()
               for m in ("cold", "warm"))
    same = same and (open(reports["edited"], "rb").read()
                     == open(reports["edited-uncached"], "rb").read())
    shutil.rmtree(cache, ignore_errors=True)
    return rows, same


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generator", required=True, help="path of gen_scale.py")
    ap.add_argument("--docs", type=int, default=10000, help="size of the side-by-side run")
    ap.add_argument("--big", type=int, default=100000,
                    help="size of the k8lint-only point (0: none); generated in a temporary "
                         "folder, deleted after")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench-peers"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "k8lint"))
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    flags, _ = every_rule(args.bin)
    load_before = os.getloadavg()
    repo = generate(args.generator, os.path.join(args.work, f"gen-{args.docs}"), args.docs)
    files = yaml_files(repo)
    megabytes = sum(os.path.getsize(f) for f in files) / 1e6
    sizes = [(args.docs, repo, megabytes)]
    rows, same = k8lint_modes(args.bin, flags, repo, args.runs, args.work)
    results = [(args.docs, megabytes, rows, same)]

    peers = {}
    if not args.no_peers:
        venv = peers_venv(args.work)
        tools = {
            "Checkov": [os.path.join(venv, "checkov"), "-d", repo, "--framework",
                        "kubernetes", "--quiet", "--compact", "-o", "json"],
            "kubernetes-validate": [os.path.join(venv, "kubernetes-validate"), "--quiet",
                                    "--strict", *files],
        }
        if shutil.which("kubeconform"):
            tools["kubeconform"] = ["kubeconform", "-summary", "-ignore-missing-schemas",
                                    *files]
        if shutil.which("kube-linter"):
            tools["kube-linter"] = ["kube-linter", "lint", repo]
        for name, cmd in tools.items():
            wall, peak, _, cpu = measure(cmd)
            peers[name] = {"wall": wall, "cpu": cpu, "peak": peak}
            print(f"# {name}: {wall:.1f} s", flush=True)

    if args.big:
        with tempfile.TemporaryDirectory(prefix="k8lint-bench-") as tmp:
            big = generate(args.generator, os.path.join(tmp, f"gen-{args.big}"), args.big)
            big_mb = sum(os.path.getsize(f) for f in yaml_files(big)) / 1e6
            rows_big, same_big = k8lint_modes(args.bin, flags, big, args.runs, tmp)
            results.append((args.big, big_mb, rows_big, same_big))
    load_after = os.getloadavg()

    print(f"\nload average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"({os.cpu_count()} cores)\n")
    print("| repository | k8lint | wall | CPU | peak RSS | reports identical |")
    print("|---|---|---:|---:|---:|---|")
    for docs, mb, rows, same in results:
        for mode, r in rows.items():
            print(f"| gen_scale {docs:,} docs, {mb:.1f} MB | {mode} | {r['wall']:.3f} s "
                  f"| {r['cpu']:.2f} s | {r['peak']:.0f} MiB | {'yes' if same else 'NO'} |")
    if peers:
        k = results[0][2]["uncached"]["wall"]
        warm = results[0][2]["warm"]["wall"]
        print(f"\n| tool ({args.docs:,} docs) | wall | CPU | peak RSS | ratio to k8lint "
              f"uncached ({k:.3f} s) | ratio to k8lint warm ({warm:.3f} s) |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, r in peers.items():
            print(f"| {name} | {r['wall']:.1f} s | {r['cpu']:.1f} s | {r['peak']:.0f} MiB "
                  f"| {r['wall'] / k:.0f}x | {r['wall'] / warm:.0f}x |")


if __name__ == "__main__":
    main()

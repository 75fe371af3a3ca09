#!/usr/bin/env python3
"""Keystroke → diagnostics latency of `k8lint lsp` on a generated 1,000-object workspace.

Generates the workspace with the corpus generator (gen_scale.py), starts the server,
opens one file, then sends N full-text changes (alternating a keystroke and its undo: a
character typed into the first image, or with --edit comment a comment line) one at a
time, each timed from the change sent to the publication of that file's diagnostics. Prints the median, p90 and max, and the time of the first check.

With --with DIR, the YAML files of DIR are copied into the workspace too (a folder of
vendored CRDs, say: files the keystrokes do not touch, which every check must still read).

Usage: bench/lsp.py [--bin target/release/k8lint] [--docs 1000] [--edits 40] [--edit value|comment] [--with DIR]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GEN = HERE.parent.parent / "shared" / "corpus" / "gen_scale.py"


def send(proc, message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive(proc):
    length = 0
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the server ended")
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(proc.stdout.read(length))


def wait_publish(proc, uri):
    while True:
        m = receive(proc)
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
            return m


def cpu_seconds(pid):
    """User + system CPU time of a process (Linux): on a loaded machine the wall time
    measures the other processes too."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(HERE.parent / "target" / "release" / "k8lint"))
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--gen", default=str(GEN))
    ap.add_argument("--edit", choices=["value", "comment"], default="value",
                    help="what each keystroke changes: the first image's text, or a comment")
    ap.add_argument("--with", dest="extra", help="a folder whose YAML files join the workspace")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        subprocess.run([sys.executable, args.gen, "--docs", str(args.docs), "--seed", "7",
                        "--out", str(root)], check=True, stdout=subprocess.DEVNULL)
        files = sorted(root.rglob("*.yaml"))
        target = files[len(files) // 2]
        extra = sorted(Path(args.extra).rglob("*.y*ml")) if args.extra else []
        for i, f in enumerate(extra):
            shutil.copy(f, root / f"with-{i:04}-{f.name}")
        text = target.read_text()
        uri = "file://" + str(target)
        proc = subprocess.Popen([args.bin, "lsp"], cwd=root, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                    "params": {"processId": None, "rootUri": "file://" + str(root),
                               "capabilities": {}}})
        while receive(proc).get("id") != 1:
            pass
        t0 = time.perf_counter()
        send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
        send(proc, {"jsonrpc": "2.0", "method": "textDocument/didOpen",
                    "params": {"textDocument": {"uri": uri, "languageId": "yaml",
                                                "version": 1, "text": text}}})
        wait_publish(proc, uri)
        # A request answered after every publication queued before it.
        send(proc, {"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover",
                    "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}})
        while receive(proc).get("id") != 5:
            pass
        first = time.perf_counter() - t0
        times = []
        # A keystroke: a character typed at the end of the first image (a value that
        # per-object rules read), or a comment line added; every other edit undoes it.
        at = text.find("image:")
        at = text.find("\n", at) if at >= 0 else -1
        cpu0 = cpu_seconds(proc.pid)
        for i in range(args.edits):
            if i % 2:
                new = text
            elif args.edit == "value" and at >= 0:
                new = text[:at] + "x" + text[at:]
            else:
                new = text + "# edit\n"
            t = time.perf_counter()
            send(proc, {"jsonrpc": "2.0", "method": "textDocument/didChange",
                        "params": {"textDocument": {"uri": uri, "version": i + 2},
                                   "contentChanges": [{"text": new}]}})
            wait_publish(proc, uri)
            times.append(time.perf_counter() - t)
        cpu = (cpu_seconds(proc.pid) - cpu0) / max(args.edits, 1)
        send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
        while receive(proc).get("id") != 2:
            pass
        send(proc, {"jsonrpc": "2.0", "method": "exit", "params": None})
        proc.wait(timeout=30)
        objects = sum(f.read_text().count("\nkind:") + f.read_text().startswith("kind:")
                      for f in files)
        times.sort()
        ms = lambda s: f"{s * 1000:.0f} ms"
        also = f" and {len(extra)} from {args.extra}" if extra else ""
        print(f"workspace: {len(files)} files{also}, ~{objects} objects; first check {ms(first)}")
        print(f"keystroke → publish over {len(times)} edits: median {ms(statistics.median(times))}, "
              f"p90 {ms(times[int(len(times) * 0.9) - 1])}, max {ms(times[-1])}; "
              f"server CPU per keystroke (mean) {ms(cpu)}")


if __name__ == "__main__":
    main()

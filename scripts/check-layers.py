#!/usr/bin/env python3
"""Checks the layering of k8lint's src/: no import cycle between top-level modules, and no
module importing from a layer above its own.

A top-level module is a file `src/NAME.rs` or a folder `src/NAME/`. Its imports are the
`crate::NAME` paths (also `$crate::NAME` in macros, `super::` chains that climb to the
crate root, and `k8lint::NAME` in the binary) in the code of its files, comments and
strings left out. Every module must be named in LAYERS; a module may import from its own
layer and the layers below it, never from a layer above; and the graph of imports between
modules must have no cycle, even inside one layer.

Usage: scripts/check-layers.py [SRC]    (default: the src/ folder beside scripts/)
Exit status: 0 when the layering holds, 1 when it does not, 2 on a usage error.
ARCHITECTURE.md describes the same layers.
"""

import re
import sys
from pathlib import Path

# The layers, lowest first. A module imports only from its own layer and those below.
LAYERS = [
    # Vocabulary: file ids, spans, pointers, locations, diagnostics; Kubernetes versions;
    # progress output; escaping input text for output, script deadlines, confining a
    # repository's paths to it. Knows nothing of YAML or Kubernetes objects.
    ["base", "versions", "progress", "escape", "deadline", "confine"],
    # YAML parsed with spans.
    ["yaml"],
    # Inputs and objects: reading files and finding kustomizations, rendering Helm charts
    # with `helm`, Kubernetes objects over the parsed values.
    ["load", "model", "helm"],
    # Objects joined into one graph: identities, label index, references.
    ["graph"],
    # Schemas: the embedded catalogue per version, CRDs from the graph; the CEL engine
    # that evaluates their rules.
    ["schema", "cel", "edit"],
    # Kubernetes semantics over the graph (controllers simulated, validation tables) and
    # rendering (defaults, templates, expansion).
    ["semantics", "render"],
    # Built-in rules: select objects, ask semantics, report.
    ["rules"],
    # The pipeline driver: inputs classified, kustomizations built, compiled into a
    # graph; the config file that steers the run.
    ["compile", "kustomize", "config"],
    # Running rules and Rhai policies over a compiled graph; keeping per-object findings
    # between runs.
    ["check", "policy", "fix", "cache"],
    # Output: reports and graph pictures.
    ["report", "picture"],
    # The command line and its commands.
    ["cli", "app", "lsp", "main"],
]

# The crate root declares modules; its `mod` lines are not imports.
ROOTS = {"lib"}


def strip(code: str) -> str:
    """The code with comments, string and character literals blanked out (newlines kept,
    so that line numbers still hold)."""
    out = []
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if code.startswith("//", i):
            j = code.find("\n", i)
            i = n if j < 0 else j
        elif code.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if code.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif code.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    out.append("\n" if code[i] == "\n" else "")
                    i += 1
        elif (m := re.compile(r'b?r(#*)"').match(code, i)) and (
            i == 0 or not (code[i - 1].isalnum() or code[i - 1] == "_")
        ):
            end = '"' + m.group(1)
            j = code.find(end, m.end())
            j = n if j < 0 else j + len(end)
            out.append("\n" * code.count("\n", i, j))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and code[j] != '"':
                j += 2 if code[j] == "\\" else 1
            out.append("\n" * code.count("\n", i, j))
            i = j + 1
        elif c == "'":
            # A character literal ('x', '\n', '\u{1F600}'); otherwise a lifetime.
            m = re.compile(r"'(\\(u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'])'").match(code, i)
            if m:
                i = m.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
PATH_START = re.compile(r"(\$crate|\bcrate|\bk8lint|\bsuper)\s*::\s*")


def group_heads(code: str, start: int) -> list[str]:
    """The first segment of each item of the `{...}` group opening at `start`."""
    depth, item, heads = 0, "", []
    for ch in code[start:]:
        if ch == "{":
            depth += 1
            if depth == 1:
                continue
        elif ch == "}":
            depth -= 1
            if depth == 0:
                break
        if depth == 1 and ch == ",":
            heads.append(item)
            item = ""
        else:
            item += ch
    heads.append(item)
    out = []
    for h in heads:
        m = re.match(r"\s*(" + IDENT + ")", h)
        if m:
            out.append(m.group(1))
    return out


def module_path(rel: Path) -> list[str]:
    """The module path of a file below src/: `rules/probe/mod.rs` is `rules::probe`."""
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    return parts


def imports(code: str, path: list[str], binary: bool):
    """`(top-level module, line)` of every path that leaves the file's module for another
    top-level one."""
    for m in PATH_START.finditer(code):
        kind = m.group(1)
        end = m.end()
        if kind == "super":
            # Count the chain: super::super::X climbs two modules from this file's.
            supers = 1
            while (n := re.compile(r"super\s*::\s*").match(code, end)):
                supers, end = supers + 1, n.end()
            if m.start() >= 2 and code[m.start() - 2 : m.start()] == "::":
                continue  # the tail of a longer chain, counted from its head
            if supers != len(path):
                continue  # stays below the crate root
        elif kind == "k8lint" and not binary:
            continue
        line = code.count("\n", 0, m.start()) + 1
        if code.startswith("{", end):
            for head in group_heads(code, end):
                yield head, line
        elif (n := re.compile(IDENT).match(code, end)):
            yield n.group(0), line


def scan(src: Path):
    """The top-level modules and the import edges `{(from, to): [file:line, ...]}`."""
    modules = set()
    for p in src.iterdir():
        if p.is_dir():
            modules.add(p.name)
        elif p.suffix == ".rs":
            modules.add(p.stem)
    edges: dict[tuple[str, str], list[str]] = {}
    for file in sorted(src.rglob("*.rs")):
        rel = file.relative_to(src)
        path = module_path(rel)
        top = path[0]
        if top in ROOTS:
            continue
        code = strip(file.read_text(encoding="utf-8", errors="replace"))
        for target, line in imports(code, path, binary=top == "main"):
            if target in modules and target != top and target not in ROOTS:
                edges.setdefault((top, target), []).append(f"{rel}:{line}")
    return modules - ROOTS, edges


def cycles(modules, edges):
    """The strongly connected components of more than one module (Tarjan)."""
    succ = {m: sorted(t for (f, t) in edges if f == m) for m in modules}
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(modules):
        if v not in index:
            visit(v)
    return out


def check(src: Path) -> list[str]:
    """Every violation, one message each."""
    tier = {m: i for i, layer in enumerate(LAYERS) for m in layer}
    modules, edges = scan(src)
    problems = []
    for m in sorted(modules - tier.keys()):
        problems.append(f"module `{m}` is in no layer: add it to LAYERS in {Path(__file__).name}")
    for (f, t), where in sorted(edges.items()):
        if f in tier and t in tier and tier[t] > tier[f]:
            problems.append(
                f"`{f}` (layer {tier[f] + 1}) imports `{t}` (layer {tier[t] + 1}), a layer above it: "
                + ", ".join(where[:3])
                + (f" and {len(where) - 3} more" if len(where) > 3 else "")
            )
    for comp in cycles(modules, edges):
        inner = [
            f"{f} -> {t} ({edges[(f, t)][0]})"
            for (f, t) in sorted(edges)
            if f in comp and t in comp
        ]
        problems.append("import cycle between " + ", ".join(comp) + ": " + "; ".join(inner))
    return problems


def main(argv: list[str]) -> int:
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        print(__doc__.strip().splitlines()[-4], file=sys.stderr)
        return 2
    src = Path(argv[1]) if len(argv) == 2 else Path(__file__).resolve().parent.parent / "src"
    if not src.is_dir():
        print(f"{src}: not a folder", file=sys.stderr)
        return 2
    problems = check(src)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} layering problem(s) in {src}")
        return 1
    print(f"layers hold: {len(LAYERS)} layers, no upward import, no cycle ({src})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

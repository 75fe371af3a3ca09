#!/usr/bin/env python3
"""Writes src/semantics/cron/zones.txt: every zone name (canonical zones and the backward
links) of the IANA time zone database, from the `tzdata` package (`pip install tzdata`).
Run it again when a new tzdata release adds or renames zones."""
import importlib.resources
import pathlib

names = importlib.resources.files("tzdata").joinpath("zones").read_text().split()
out = pathlib.Path(__file__).resolve().parent.parent / "src/semantics/cron/zones.txt"
out.write_text("".join(f"{n}\n" for n in sorted(set(names))))
print(f"{len(names)} zones -> {out}")

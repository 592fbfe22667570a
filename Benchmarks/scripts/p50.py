#!/usr/bin/env python3
"""Extracts the wall-clock p50 (and sample count) of every benchmark from the markdown output
of `swift package benchmark --format markdown`, as JSON {name: {"p50_us": .., "samples": ..}}.

Usage: p50.py hef_run.md [more.md ...] > p50.json"""
import json, re, sys

out = {}
for path in sys.argv[1:]:
    name = None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^### (\S+)", line)
        if m:
            name = m.group(1)
            continue
        if name and line.startswith("| Time (wall clock)"):
            unit = re.search(r"\((\S+)\) \*?\s*\|", line).group(1)
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            # Metric | p0 | p25 | p50 | p75 | p90 | p99 | p100 | Samples
            factor = {"ns": 1e-3, "μs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}[unit]
            out[name] = {"p50_us": float(cells[3].replace(",", "")) * factor,
                         "p0_us": float(cells[1].replace(",", "")) * factor,
                         "samples": int(cells[8].replace(",", ""))}
            name = None
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()

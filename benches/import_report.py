#!/usr/bin/env python3
"""Imports every guide of the shared corpus and counts what the importer made of it.

Usage: benches/import_report.py [path/to/stepbook] [corpus dir]

Prints: guides whose summary holds a heading, waits found, durations found, guides with
prerequisites / objectives / a conclusion, sections, and import warnings by kind. The figures
in benches/README.md ("Import on the corpus") come from this script."""
import collections, os, re, subprocess, sys, tempfile
import yaml

exe = sys.argv[1] if len(sys.argv) > 1 else "target/release/stepbook"
corpus = sys.argv[2] if len(sys.argv) > 2 else "../shared/corpus"
guides = []
with open(os.path.join(corpus, "guides.tsv")) as f:
    next(f)
    for line in f:
        d, g = line.rstrip("\n").split("\t")[:2]
        guides.append(os.path.join(corpus, d, g))

c = collections.Counter({k: 0 for k in ["guides", "summary holds a heading", "durations", "with prerequisites", "with objectives", "with conclusion", "sections", "section notes", "steps", "waits"]})
kinds = collections.Counter()
for path in guides:
    r = subprocess.run([exe, "import", "--dry-run", "--color", "never", path],
                       capture_output=True, text=True)
    doc = yaml.safe_load(r.stdout)
    c["guides"] += 1
    if re.search(r"(?m)^#{1,6} ", doc.get("summary") or ""):
        c["summary holds a heading"] += 1
    if doc.get("duration"):
        c["durations"] += 1
    for key in ("prerequisites", "objectives", "conclusion"):
        if doc.get(key):
            c[f"with {key}"] += 1
    def steps(items):
        for s in items or []:
            yield s
            yield from steps(s.get("substeps"))
    for sec in doc.get("sections") or []:
        c["sections"] += 1
        if sec.get("notes"):
            c["section notes"] += len(sec["notes"])
        for s in steps(sec.get("steps")):
            c["steps"] += 1
            if s.get("wait"):
                c["waits"] += 1
    for line in r.stderr.splitlines():
        m = re.match(r"\s*warning(?:\[(\w+)\])?: (.*)", line)
        if m:
            msg = re.sub(r"`[^`]*`|\"[^\"]*\"|\([^)]*\)", "…", m.group(2))
            kinds[f"{m.group(1)}: {msg[:60]}"] += 1
for k, v in c.items():
    print(f"{k}\t{v}")
print("warnings by kind:")
for k, v in kinds.most_common():
    print(f"  {v}\t{k}")

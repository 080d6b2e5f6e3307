#!/usr/bin/env python3
"""Regenerates the generated part of docs/fuzzing.md's "Results" from fuzz/results.tsv.

    scripts/fuzz-results.py            rewrite docs/fuzzing.md in place
    scripts/fuzz-results.py --check    exit 1 if docs/fuzzing.md is not what it would write

scripts/run-fuzzers.sh appends one line per run to fuzz/results.tsv; this sums them per
driver into the table between the markers <!-- results:begin --> and <!-- results:end -->,
followed by the paragraph that says which drivers have reached the issue's 10 million
executions with no finding: a driver's count for that starts again after each run that had a
finding (the finding's run and the runs before it were of code with a known bug). The prose
around the markers is written by hand.

A run counts as "-O2" when its commit descends from 795d0df, the commit that made the FUZZ
build add -O2 (before it the drivers were built at -O0).
"""
import csv
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "fuzz", "results.tsv")
DOC = os.path.join(ROOT, "docs", "fuzzing.md")
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
O2_FROM = "795d0df"
TARGET = 10_000_000


def thousands(n):
    return f"{n:,}"


def short(n):
    """Below a million in full (143,152); from a million on, to one decimal (3.8M)."""
    return thousands(n) if n < 1_000_000 else f"{n / 1_000_000:.1f}M"


_o2_cache = {}


def built_at_o2(commit):
    if commit not in _o2_cache:
        r = subprocess.run(["git", "-C", ROOT, "merge-base", "--is-ancestor", O2_FROM, commit],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode not in (0, 1):
            sys.exit(f"fuzz-results: git does not know commit {commit} (a shallow clone?)")
        _o2_cache[commit] = r.returncode == 0
    return _o2_cache[commit]


def summarise():
    drivers = {}
    with open(RESULTS, newline="") as f:
        # by the time each run ended (a second campaign's lines are appended afterwards)
        for row in sorted(csv.DictReader(f, delimiter="\t"), key=lambda r: r["date"]):
            d = drivers.setdefault(row["driver"], dict(execs=0, secs=0, runs=0, o2_execs=0,
                                                       o2_secs=0, cov=0, ft=0, kept=0, findings=0,
                                                       clean=0))
            execs, secs = int(row["executions"]), int(row["seconds_run"])
            d["execs"] += execs
            d["secs"] += secs
            d["runs"] += 1
            if built_at_o2(row["commit"]):
                d["o2_execs"] += execs
                d["o2_secs"] += secs
            d["cov"] = max(d["cov"], int(row["cov"]))
            d["ft"] = max(d["ft"], int(row["ft"]))
            d["kept"] = int(row["kept_corpus"])  # after the newest run
            d["findings"] += int(row["findings"])
            # executions since the last finding
            d["clean"] = 0 if int(row["findings"]) else d["clean"] + execs
    # the kept corpus as it is now: a second campaign's finds merged in by hand
    # (docs/fuzzing.md, "Two cores on one slow driver") are in no run's line
    for name, d in drivers.items():
        kept = os.path.join(ROOT, "fuzz", "corpus", name)
        if os.path.isdir(kept):
            d["kept"] = sum(1 for e in os.scandir(kept) if e.is_file())
    return drivers


def render(drivers):
    out = ["| driver | executions | time | runs | exec/s | exec/s at -O2 | cov | ft | kept corpus "
           "| findings | 10M |",
           "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"]
    for name in sorted(drivers):
        d = drivers[name]
        rate = thousands(round(d["execs"] / d["secs"])) if d["secs"] else "–"
        o2 = thousands(round(d["o2_execs"] / d["o2_secs"])) if d["o2_secs"] else "–"
        out.append(f"| `{name}` | {thousands(d['execs'])} | {thousands(d['secs'])} s | {d['runs']} "
                   f"| {rate} | {o2} | {d['cov']} | {d['ft']} | {d['kept']} | {d['findings']} "
                   f"| {'yes' if d['clean'] >= TARGET else 'no'} |")
    below = [n for n in sorted(drivers) if drivers[n]["clean"] < TARGET]
    done = len(drivers) - len(below)
    para = f"**10 million executions: {done} of {len(drivers)} drivers.** "
    if below:
        para += ("The issue's target (≥ 10M each under ASan+UBSan with no finding) is **not met** "
                 "for: " + ", ".join(f"`{n}` ({below_text(drivers[n])})" for n in below) + ".")
    else:
        para += ("Every driver has run at least 10M executions under ASan+UBSan since its last "
                 "finding.")
    return "\n".join(out) + "\n\n" + wrap(para) + "\n"


def below_text(d):
    """How far a driver is: its executions, and those since its last finding if fewer."""
    if d["clean"] == d["execs"]:
        return short(d["execs"])
    return f"{short(d['execs'])}, {short(d['clean'])} since its last finding"


def wrap(text, width=95):
    """Wraps at spaces to the width of the rest of docs/ (driver names have no spaces, so a
    `code` span is never split)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def main():
    doc = open(DOC, encoding="utf-8").read()
    if BEGIN not in doc or END not in doc:
        sys.exit(f"fuzz-results: {DOC} lacks the markers {BEGIN} ... {END}")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + "\n" + render(summarise()) + END + tail
    if "--check" in sys.argv[1:]:
        if new != doc:
            print("docs/fuzzing.md is not up to date with fuzz/results.tsv: "
                  "run scripts/fuzz-results.py", file=sys.stderr)
            return 1
        return 0
    if new != doc:
        with open(DOC, "w", encoding="utf-8") as f:
            f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())

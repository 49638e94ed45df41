#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""pairsum.py DIR [BASE]: a markdown summary of one pairs.sh run.

DIR holds pairs.sh's pairs.tsv (round, mode, program ms) and flows.tsv
(round, mode, run, flows/s, p90).  For each mode: median [min-max] of
its programming times and of its new-flow rates, the spread of the rates
((max - min) / median), and BASE's ratio to it (BASE: ksvc unless given):
by the medians over all rounds, and the median of the per-round ratios
(each round's modes ran next to each other).
"""
import os
import statistics as st
import sys


def read(path, ncols):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                c = line.rstrip("\n").split("\t")
                if len(c) == ncols:
                    rows.append(c)
    return rows


def group(rows, col):
    """{mode: {round: [values]}} of column col, in order of appearance."""
    by = {}
    for c in rows:
        by.setdefault(c[1], {}).setdefault(int(c[0]), []).append(float(c[col]))
    return by


def values(by, m):
    return [v for r in by[m].values() for v in r]


def cell(vals):
    m = st.median(vals)
    if len(vals) == 1:
        return "%.0f" % m
    return "%.0f [%.0f–%.0f]" % (m, min(vals), max(vals))


def ratios(by, base, m, higher_better):
    """Base's advantage over m: by the medians, and per round."""
    a, b = st.median(values(by, base)), st.median(values(by, m))
    rr = [st.median(by[base][r]) / st.median(by[m][r]) for r in sorted(by[m]) if r in by[base]]
    if not higher_better:
        a, b = b, a
        rr = [1 / x for x in rr]
    return a / b, rr


def table(by, base, what, higher_better):
    out = ["| mode | %s | spread | %s / mode, by medians | per round |" % (what, base),
           "|---|---|---|---|---|"]
    for m in by:
        vals = values(by, m)
        spread = (max(vals) - min(vals)) / (st.median(vals) or 1)
        if m == base or base not in by:
            out.append("| %s | %s | %.1f%% | | |" % (m, cell(vals), 100 * spread))
            continue
        med, rr = ratios(by, base, m, higher_better)
        out.append("| %s | %s | %.1f%% | %.2f× | %s |" % (
            m, cell(vals), 100 * spread, med, " ".join("%.2f" % x for x in rr)))
    return out


def main():
    d = sys.argv[1]
    base = sys.argv[2] if len(sys.argv) > 2 else "ksvc"
    out = []
    prog = group(read(os.path.join(d, "pairs.tsv"), 3), 2)
    if prog:
        out += ["Programming (ms):", ""] + table(prog, base, "program ms", False) + [""]
    flows = group(read(os.path.join(d, "flows.tsv"), 5), 3)
    if flows:
        out += ["New flows (flows/s):", ""] + table(flows, base, "flows/s", True) + [""]
    if not out:
        sys.exit("pairsum.py: no pairs.tsv or flows.tsv in %s" % d)
    print("\n".join(out))


if __name__ == "__main__":
    main()

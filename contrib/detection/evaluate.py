#!/usr/bin/env python3
"""Scores change-point detectors on the labelled series of series.json.

Usage: evaluate.py SERIES.json NAME=RESULT.json ...
Each RESULT.json is {"settings": str, "seconds": float, "detections": [[index, ...], ...],
"delays": [[delay or null, ...], ...], "delay_seconds": float} with one list per series, in
the order of SERIES.json (delays: one entry per true change, delay.py says how they are
measured).

Matching: a detection within `tolerance` values (from SERIES.json) of a true change is a
true positive; each true change and each detection is matched at most once, closest pairs
first. Every other detection is a false alarm. Tests/TablejohnKitTests/Detection/
EvaluationScore.swift matches the same way.
"""
import json
import sys

import delay

def median(values):
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

def delay_cell(values, horizon):
    """The median delay of the changes a detector found, and how many it reported within 5 values."""
    if not values:
        return "-"
    m = median(values)
    shown = f">{horizon}" if m > horizon else (f"{m:g}")
    within = sum(1 for v in values if v <= 5)
    return f"{shown} ({within}/{len(values)} ≤ 5)"

def match(detected, truth, tolerance):
    pairs = sorted((abs(d - t), t, d) for d in detected for t in truth if abs(d - t) <= tolerance)
    used_d, used_t = set(), set()
    for _, t, d in pairs:
        if d not in used_d and t not in used_t:
            used_d.add(d)
            used_t.add(t)
    return len(used_t)

def score(document, detections):
    tolerance = document["tolerance"]
    tp = found = truths = points = 0
    per_category = {}
    for series, detected in zip(document["series"], detections, strict=True):
        hits = match(detected, series["changes"], tolerance)
        tp += hits
        found += len(detected)
        truths += len(series["changes"])
        points += len(series["values"])
        category = per_category.setdefault(series["category"], [0, 0, 0])
        category[0] += hits
        category[1] += len(detected) - hits
        category[2] += len(series["changes"]) - hits
    precision = tp / found if found else 1.0
    recall = tp / truths if truths else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    false_alarms = (found - tp) * 1000 / points
    return precision, recall, f1, false_alarms, found - tp, per_category

def main():
    with open(sys.argv[1]) as f:
        document = json.load(f)
    points = sum(len(s["values"]) for s in document["series"])
    truths = sum(len(s["changes"]) for s in document["series"])
    print(f"{len(document['series'])} labelled series, {points} points, {truths} true changes; "
          f"a detection within ±{document['tolerance']} points of a true change counts, "
          "each true change matched at most once.")
    print(f"Delay: values at the new level (the change's own included) in the shortest prefix, from "
          f"{delay.HISTORY} values before the change, at which the detector reports it; over the changes it "
          f"finds in the whole series, >{delay.HORIZON} when later. Before the step: changes it already "
          "reports on the prefix that ends just before them (by chance: no value of the new level yet).")
    rows = []
    categories = []
    for argument in sys.argv[2:]:
        name, path = argument.split("=", 1)
        with open(path) as f:
            result = json.load(f)
        precision, recall, f1, false_alarms, false_count, per_category = score(document, result["detections"])
        print(f"  {name}: {result['settings']}")
        found_delays = [d for per_series in result.get("delays", []) for d in per_series if d is not None]
        rows.append((name, f"{precision:.3f}", f"{recall:.3f}", f"{f1:.3f}", f"{false_alarms:.2f}",
                     str(false_count), delay_cell(found_delays, delay.HORIZON), str(result.get("premature", "-")),
                     f"{result['seconds']:.2f} s",
                     f"{result.get('delay_seconds', 0):.1f} s"))
        per_category_delays = {}
        for series, per_series in zip(document["series"], result.get("delays", [[]] * len(document["series"]))):
            per_category_delays.setdefault(series["category"], []).extend(d for d in per_series if d is not None)
        categories.append((name, per_category, per_category_delays))
    header = ("detector", "precision", "recall", "F1", "false alarms/1k pts", "false alarms",
              "median delay (found ≤ 5)", "before the step", "time", "delay time")
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    print()
    for row in [header] + rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print()
    print("per category (hits / false alarms / misses):")
    names = sorted({c for _, per, _ in categories for c in per})
    print("  " + "detector".ljust(12) + "".join(n.ljust(12) for n in names))
    for name, per, _ in categories:
        print("  " + name.ljust(12) + "".join(("%d/%d/%d" % tuple(per.get(n, (0, 0, 0)))).ljust(12) for n in names))
    print()
    print(f"per category, median delay of the changes found (values at the new level; >{delay.HORIZON}: later):")
    print("  " + "detector".ljust(12) + "".join(n.ljust(12) for n in names))
    for name, _, delays in categories:
        cells = []
        for n in names:
            m = median(delays.get(n, []))
            cells.append("-" if m is None else f">{delay.HORIZON}" if m > delay.HORIZON else f"{m:g}")
        print("  " + name.ljust(12) + "".join(c.ljust(12) for c in cells))

if __name__ == "__main__":
    main()

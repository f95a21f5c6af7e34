#!/usr/bin/env python3
"""Scores change-point detectors on the labelled series of series.json.

Usage: evaluate.py SERIES.json NAME=RESULT.json ...
Each RESULT.json is {"settings": str, "seconds": float, "detections": [[index, ...], ...]}
with one list per series, in the order of SERIES.json.

Matching: a detection within `tolerance` values (from SERIES.json) of a true change is a
true positive; each true change and each detection is matched at most once, closest pairs
first. Every other detection is a false alarm. Tests/TablejohnKitTests/Detection/
EvaluationScore.swift matches the same way.
"""
import json
import sys

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
    rows = []
    categories = []
    for argument in sys.argv[2:]:
        name, path = argument.split("=", 1)
        with open(path) as f:
            result = json.load(f)
        precision, recall, f1, false_alarms, false_count, per_category = score(document, result["detections"])
        print(f"  {name}: {result['settings']}")
        rows.append((name, f"{precision:.3f}", f"{recall:.3f}", f"{f1:.3f}", f"{false_alarms:.2f}",
                     str(false_count), f"{result['seconds']:.2f} s"))
        categories.append((name, per_category))
    header = ("detector", "precision", "recall", "F1", "false alarms/1k pts", "false alarms", "time")
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    print()
    for row in [header] + rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print()
    print("per category (hits / false alarms / misses):")
    names = sorted({c for _, per in categories for c in per})
    print("  " + "detector".ljust(12) + "".join(n.ljust(12) for n in names))
    for name, per in categories:
        print("  " + name.ljust(12) + "".join(("%d/%d/%d" % tuple(per.get(n, (0, 0, 0)))).ljust(12) for n in names))

if __name__ == "__main__":
    main()

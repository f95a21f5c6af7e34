#!/usr/bin/env python3
"""Runs Apache Otava 0.8.0's change-point detection on every series of series.json.

Run with the Python of a venv that has apache-otava==0.8.0 (evaluate.sh makes one).
Uses otava.analysis.compute_change_points, the function `otava analyze` calls, with
the defaults of otava's AnalysisOptions and command line: window 50, p-value 0.001,
minimum magnitude 0. Prints JSON: {"settings": ..., "detections": [[index, ...], ...]}.
"""
import json
import sys
import time

from otava.analysis import compute_change_points, fill_missing
from otava.series import AnalysisOptions

def main():
    with open(sys.argv[1]) as f:
        document = json.load(f)
    options = AnalysisOptions()
    detections = []
    started = time.perf_counter()
    for series in document["series"]:
        values = list(series["values"])
        fill_missing(values)
        change_points, _ = compute_change_points(values, window_len=options.window_len,
                                                 max_pvalue=options.max_pvalue, min_magnitude=options.min_magnitude)
        detections.append(sorted(int(cp.index) for cp in change_points))
    elapsed = time.perf_counter() - started
    settings = (f"otava.analysis.compute_change_points, defaults: window_len={options.window_len}, "
                f"max_pvalue={options.max_pvalue}, min_magnitude={options.min_magnitude}")
    json.dump({"settings": settings, "seconds": elapsed, "detections": detections}, sys.stdout)

if __name__ == "__main__":
    main()

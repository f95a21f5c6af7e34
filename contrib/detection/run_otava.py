#!/usr/bin/env python3
"""Runs Apache Otava 0.8.0's change-point detection on every series of series.json.

Run with the Python of a venv that has apache-otava==0.8.0 (evaluate.sh makes one).
Uses otava.analysis.compute_change_points, the function `otava analyze` calls, with
the defaults of otava's AnalysisOptions and command line: window 50, p-value 0.001,
minimum magnitude 0. Then measures the delay of every change it found on growing
prefixes (delay.py). Prints JSON: {"settings": ..., "seconds": ..., "detections":
[[index, ...], ...], "delays": [[delay or null, ...], ...], "premature": count, "delay_seconds": ...}.
"""
import json
import sys
import time

from otava.analysis import compute_change_points, fill_missing
from otava.series import AnalysisOptions

import delay

OPTIONS = AnalysisOptions()

def detect(values):
    values = list(values)
    fill_missing(values)
    change_points, _ = compute_change_points(values, window_len=OPTIONS.window_len,
                                             max_pvalue=OPTIONS.max_pvalue, min_magnitude=OPTIONS.min_magnitude)
    return sorted(int(cp.index) for cp in change_points)

def main():
    with open(sys.argv[1]) as f:
        document = json.load(f)
    started = time.perf_counter()
    detections = [detect(series["values"]) for series in document["series"]]
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    many = lambda prefixes: [detect(values) for values in prefixes]
    delays = delay.delays(document, detections, many)
    premature = delay.premature(document, detections, many)
    delay_seconds = time.perf_counter() - started
    settings = (f"otava.analysis.compute_change_points, defaults: window_len={OPTIONS.window_len}, "
                f"max_pvalue={OPTIONS.max_pvalue}, min_magnitude={OPTIONS.min_magnitude}")
    json.dump({"settings": settings, "seconds": elapsed, "detections": detections, "delays": delays,
               "premature": premature, "delay_seconds": delay_seconds}, sys.stdout)

if __name__ == "__main__":
    main()
